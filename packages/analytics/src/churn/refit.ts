/**
 * The scheduled refit of a workspace's churn model: reads each customer's purchase days from the audience's daily
 * rollup (not the event log), fits BG/NBD and Gamma-Gamma by maximum likelihood with time in days, records the model,
 * and stores per-customer P(alive), expected purchases in the horizon and predicted CLV as derived facts.
 */
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { churnModels, customerDailyActivity, type Database } from '@wakeflow/db';
import { expectedPurchases, fitBgNbd, probabilityAlive, weighSummaries, type BgNbdFit } from './bgnbd';
import { expectedOrderValue, fitGammaGamma, type GammaGammaFit } from './gamma-gamma';
import { calibrationHoldout, type CalibrationHoldout } from './holdout';
import { DAY_MS, dayNumber, summariseHistories, type Purchase } from './transactions';

export interface RefitOptions {
  /** End of the calibration period (defaults to now). */
  now?: Date;
  /** Horizon of "expected purchases in the next N days" and of the CLV. */
  horizonDays?: number;
}

export interface RefitResult {
  modelId: number;
  customers: number;
  bgnbd: BgNbdFit;
  gammaGamma: GammaGammaFit | null;
  fitMs: number;
  /** The same model fitted on the earlier half of the history and checked against the later half. */
  validation: ChurnModelValidation | null;
}

const BATCH = 5_000;

/**
 * Each prediction's place in the workspace by predicted CLV, as the share (0–100] of customers with a predicted CLV
 * whose CLV is at least as high (ties share the larger share): "top 20%" is `predicted_clv_top_percent ≤ 20`.
 * Set-based, once per refit, so a segment reads it from the row instead of ranking the workspace per customer.
 */
export async function rankPredictedClv(db: Pick<Database, 'execute'>, workspaceId: string): Promise<void> {
  await db.execute(sql`
    update customer_predictions p set predicted_clv_top_percent = r.top_percent
    from (
      select customer_id, 100.0 * count(*) over (order by predicted_clv desc) / count(*) over () as top_percent
      from customer_predictions where workspace_id = ${workspaceId} and predicted_clv is not null
    ) r
    where p.customer_id = r.customer_id and p.predicted_clv_top_percent is distinct from r.top_percent`);
  await db.execute(sql`
    update customer_predictions set predicted_clv_top_percent = null
    where workspace_id = ${workspaceId} and predicted_clv is null and predicted_clv_top_percent is not null`);
}

/** Each customer's purchase days up to `until`, from the audience's daily rollup. */
async function readPurchaseDays(db: Database, workspaceId: string, until: Date): Promise<Purchase[]> {
  const rows = await db
    .select({
      customerId: customerDailyActivity.customerId,
      day: customerDailyActivity.day,
      spend: customerDailyActivity.spend,
    })
    .from(customerDailyActivity)
    .where(
      and(
        eq(customerDailyActivity.workspaceId, workspaceId),
        gt(customerDailyActivity.purchaseCount, 0),
        lte(customerDailyActivity.day, until.toISOString().slice(0, 10)),
      ),
    );
  return rows.map((r) => ({
    customer: r.customerId,
    day: dayNumber(`${r.day}T00:00:00Z`),
    amount: Number(r.spend),
  }));
}

export interface ChurnModelValidation extends CalibrationHoldout {
  calibrationEnd: string;
  holdoutEnd: string;
}

/**
 * The model validated on the workspace's history: fitted again on a calibration period and its predictions for the
 * holdout period that follows (up to `now`) set beside what customers bought. The holdout is the later half of the
 * time since the first purchase by default (CDNOW's classic split is 39 weeks and 39 weeks). Null without enough
 * buyers in the calibration period.
 */
export async function validateChurnModel(
  db: Database,
  workspaceId: string,
  options: { now?: Date; holdoutDays?: number } = {},
): Promise<ChurnModelValidation | null> {
  const now = options.now ?? new Date();
  return validateOn(await readPurchaseDays(db, workspaceId, now), now, options.holdoutDays);
}

function validateOn(
  purchases: readonly Purchase[],
  now: Date,
  holdoutDays?: number,
): ChurnModelValidation | null {
  if (purchases.length === 0) return null;
  const endDay = dayNumber(now);
  const firstDay = purchases.reduce((min, p) => Math.min(min, p.day), endDay);
  const holdout = holdoutDays ?? Math.floor((endDay - firstDay) / 2);
  if (holdout < 1 || holdout >= endDay - firstDay) return null;
  const check = calibrationHoldout(purchases, { calibrationEndDay: endDay - holdout, holdoutEndDay: endDay });
  if (!check) return null;
  const date = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
  return { ...check, calibrationEnd: date(check.calibrationEndDay), holdoutEnd: date(check.holdoutEndDay) };
}

export async function refitChurnModel(
  db: Database,
  workspaceId: string,
  options: RefitOptions = {},
): Promise<RefitResult | null> {
  const now = options.now ?? new Date();
  const horizonDays = options.horizonDays ?? 90;
  const purchases = await readPurchaseDays(db, workspaceId, now);
  const histories = summariseHistories(purchases, dayNumber(now));
  // Fewer than a handful of buyers cannot identify four parameters.
  if (histories.length < 20 || !histories.some((h) => h.x > 0)) return null;

  const started = performance.now();
  const bgnbd = fitBgNbd(weighSummaries(histories), { r: 1, alpha: 30, a: 1, b: 1 });
  let gammaGamma: GammaGammaFit | null = null;
  const repeat = histories
    .filter((h) => h.x > 0 && h.meanRepeatAmount > 0)
    .map((h) => ({ x: h.x, mean: h.meanRepeatAmount }));
  if (repeat.length >= 20) gammaGamma = fitGammaGamma(repeat);
  const fitMs = Math.round(performance.now() - started);

  const [model] = await db
    .insert(churnModels)
    .values({
      workspaceId,
      fittedAt: new Date(),
      calibrationEnd: now,
      customers: histories.length,
      params: {
        ...bgnbd.params,
        ...(gammaGamma
          ? { p: gammaGamma.params.p, q: gammaGamma.params.q, gamma: gammaGamma.params.gamma }
          : {}),
      },
      logLikelihood: bgnbd.logLikelihood,
      spendLogLikelihood: gammaGamma?.logLikelihood ?? null,
      fitMs,
      horizonDays,
    })
    .returning({ id: churnModels.id });

  const predictions = histories.map((h) => {
    const expected = expectedPurchases(bgnbd.params, h, horizonDays);
    const orderValue = gammaGamma
      ? expectedOrderValue(gammaGamma.params, { x: h.x, mean: h.meanRepeatAmount })
      : null;
    return {
      customer_id: h.customer,
      p_alive: probabilityAlive(bgnbd.params, h),
      expected_purchases: expected,
      expected_order_value: orderValue,
      predicted_clv: orderValue === null ? null : expected * orderValue,
    };
  });
  for (let i = 0; i < predictions.length; i += BATCH) {
    const batch = JSON.stringify(predictions.slice(i, i + BATCH));
    await db.execute(sql`
      insert into customer_predictions as p (customer_id, workspace_id, model_id, p_alive, expected_purchases, horizon_days, expected_order_value, predicted_clv, computed_at)
      select t.customer_id, ${workspaceId}, ${model!.id}, t.p_alive, t.expected_purchases, ${horizonDays}, t.expected_order_value, t.predicted_clv, ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${batch}::jsonb) as t(customer_id uuid, p_alive double precision, expected_purchases double precision,
        expected_order_value double precision, predicted_clv double precision)
      on conflict (customer_id) do update set model_id = excluded.model_id, p_alive = excluded.p_alive,
        expected_purchases = excluded.expected_purchases, horizon_days = excluded.horizon_days,
        expected_order_value = excluded.expected_order_value, predicted_clv = excluded.predicted_clv, computed_at = excluded.computed_at
      where p.workspace_id = excluded.workspace_id`);
  }
  await rankPredictedClv(db, workspaceId);
  const validation = validateOn(purchases, now);
  return { modelId: model!.id, customers: histories.length, bgnbd, gammaGamma, fitMs, validation };
}
