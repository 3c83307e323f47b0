/**
 * Validating BG/NBD on history (S-ME-3), the classic calibration/holdout check of Fader, Hardie & Lee (2005, fig. 4)
 * and lifetimes' `plot_calibration_purchases_vs_holdout_purchases`: fit the model on the purchases up to the end of a
 * calibration period, predict each customer's repeat purchases in the holdout period that follows (conditional
 * expectation given their calibration history), and set that beside what they actually bought — per number of repeat
 * purchases in calibration (0, 1, … and "n or more") and in total. Customers are those who had bought by the end of
 * calibration; purchases count once per day, as in the fit.
 */
import { expectedPurchases, fitBgNbd, weighSummaries, type BgNbdParams } from './bgnbd';
import { summariseHistories, type Purchase } from './transactions';

export interface HoldoutGroup {
  /** Repeat purchases in calibration; with `orMore`, this many or more. */
  repeatPurchases: number;
  orMore: boolean;
  customers: number;
  /** Mean repeat purchases per customer in the holdout period. */
  actual: number;
  predicted: number;
}

export interface CalibrationHoldout {
  calibrationEndDay: number;
  holdoutEndDay: number;
  holdoutDays: number;
  customers: number;
  /** The fit on the calibration period alone (time unit: days). */
  params: BgNbdParams;
  /** Repeat purchases in the holdout period, all customers. */
  totalActual: number;
  totalPredicted: number;
  groups: HoldoutGroup[];
}

/**
 * `calibrationEndDay` and `holdoutEndDay` are day numbers, both inclusive ends. Null when fewer than 20 customers
 * (or none with a repeat purchase) bought by the end of calibration: four parameters cannot be identified.
 */
export function calibrationHoldout(
  purchases: readonly Purchase[],
  options: { calibrationEndDay: number; holdoutEndDay: number; groups?: number },
): CalibrationHoldout | null {
  const { calibrationEndDay, holdoutEndDay } = options;
  const groupCount = options.groups ?? 7;
  if (holdoutEndDay <= calibrationEndDay) throw new Error('The holdout period must end after calibration');
  const histories = summariseHistories(purchases, calibrationEndDay);
  if (histories.length < 20 || !histories.some((h) => h.x > 0)) return null;
  const fit = fitBgNbd(weighSummaries(histories), { r: 1, alpha: 30, a: 1, b: 1 });

  const holdoutDays = new Map<string, Set<number>>();
  for (const p of purchases) {
    if (p.day <= calibrationEndDay || p.day > holdoutEndDay) continue;
    let days = holdoutDays.get(p.customer);
    if (!days) holdoutDays.set(p.customer, (days = new Set<number>()));
    days.add(p.day);
  }

  const span = holdoutEndDay - calibrationEndDay;
  const groups: HoldoutGroup[] = Array.from({ length: groupCount }, (_, i) => ({
    repeatPurchases: i,
    orMore: i === groupCount - 1,
    customers: 0,
    actual: 0,
    predicted: 0,
  }));
  let totalActual = 0;
  let totalPredicted = 0;
  for (const h of histories) {
    const actual = holdoutDays.get(h.customer)?.size ?? 0;
    const predicted = expectedPurchases(fit.params, h, span);
    totalActual += actual;
    totalPredicted += predicted;
    const group = groups[Math.min(h.x, groupCount - 1)]!;
    group.customers += 1;
    group.actual += actual;
    group.predicted += predicted;
  }
  for (const g of groups) {
    if (g.customers === 0) continue;
    g.actual /= g.customers;
    g.predicted /= g.customers;
  }
  return {
    calibrationEndDay,
    holdoutEndDay,
    holdoutDays: span,
    customers: histories.length,
    params: fit.params,
    totalActual,
    totalPredicted,
    groups,
  };
}
