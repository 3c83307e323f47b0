/**
 * Analytics benchmark (`pnpm exec tsx scripts/bench-analytics.ts` runs this file): a journey with 1,000,000 runs and 5,000,000
 * messages generated set-based in SQL into a scratch database (through the real triggers), then its results read by
 * the API's code path, which must take under a second; the BG/NBD + Gamma-Gamma fit on CDNOW master; and the
 * false-winner rate of the automatic winner over 1,000 seeded A/A experiments. Figures are printed, never asserted.
 * Sizes: BENCH_RUNS (default 1,000,000), messages are 5 per run.
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '@wakeflow/db/testing';
import { journeys, publishJourneyDraft } from '@wakeflow/db';
import { createBuiltinCatalog } from '@wakeflow/nodes';
import { journeyGraphSchema } from '@wakeflow/journey';
import {
  decideExperiment,
  fitBgNbd,
  fitGammaGamma,
  loadJourneyResults,
  readCdnowMaster,
  seededRandom,
  summariseHistories,
  weighSummaries,
  dayNumber,
  experimentResults,
} from '@wakeflow/analytics';

const RUNS = Number(process.env.BENCH_RUNS ?? 1_000_000);
const CUSTOMERS = Math.max(1, Math.floor(RUNS / 5));
const WS = 'test';

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  console.log(`${label.padEnd(52)} ${((performance.now() - t0) / 1000).toFixed(3)} s`);
  return result;
}

async function resultsBenchmark(): Promise<void> {
  const database = await createTestDatabase();
  const { db } = database;
  try {
    const graph = journeyGraphSchema.parse({
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        {
          id: 's',
          type: 'split',
          config: {
            arms: [
              { name: 'email', percent: 50 },
              { name: 'sms', percent: 50 },
            ],
          },
        },
        { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'nudge' } },
        { id: 'text', type: 'send', config: { channel: 'sms', templateId: 'nudge' } },
        { id: 'x', type: 'exit', config: { outcome: 'done' } },
      ],
      edges: [
        { source: 't', target: 's' },
        { source: 's', outcome: 'email', target: 'mail' },
        { source: 's', outcome: 'sms', target: 'text' },
        { source: 'mail', target: 'x' },
        { source: 'text', target: 'x' },
      ],
    }) as unknown as Record<string, unknown>;
    const settings = {
      holdoutPercent: 10,
      conversion: { events: ['purchase'], window: { amount: 7, unit: 'days' } },
    };
    const [j] = await db
      .insert(journeys)
      .values({ workspaceId: WS, name: 'bench', draftGraph: graph, draftSettings: settings })
      .returning({ id: journeys.id });
    await publishJourneyDraft(db, createBuiltinCatalog(), { workspaceId: WS, journeyId: j!.id });
    const journeyId = j!.id;

    console.log(
      `\nResults of one journey: ${RUNS.toLocaleString('en')} runs, ${(RUNS * 5).toLocaleString('en')} messages (generation goes through the triggers)`,
    );
    await timed(`insert ${CUSTOMERS.toLocaleString('en')} customers`, () =>
      db.execute(
        sql`insert into customers (workspace_id, external_id) select ${WS}, 'b' || g from generate_series(1, ${CUSTOMERS}::int) g`,
      ),
    );
    await timed(`insert ${RUNS.toLocaleString('en')} runs (+ summaries, rollups)`, () =>
      db.execute(sql`
        with c as (select id, row_number() over (order by external_id) - 1 as k from customers where workspace_id = ${WS})
        insert into runs (workspace_id, workflow_id, journey_id, version, customer_id, entry, holdout, arms, started_at, status, ended_at)
        select ${WS}, 'wf-' || g, ${journeyId}, 1, c.id, g / ${CUSTOMERS}::int + 1, (g % 10 = 0),
          jsonb_build_object('s', case when (g / 7) % 2 = 0 then 'email' else 'sms' end),
          timestamptz '2026-01-01' + make_interval(days => g % 60), 'completed', timestamptz '2026-01-01' + make_interval(days => g % 60)
        from generate_series(0, ${RUNS - 1}::int) g join c on c.k = g % ${CUSTOMERS}::int`),
    );
    await timed(`insert ${(RUNS * 5).toLocaleString('en')} messages (sent or held out)`, () =>
      db.execute(sql`
        insert into messages (workspace_id, idempotency_key, run_id, journey_id, node_id, customer_id, channel, status, reason, cost_micros, requested_at)
        select r.workspace_id, r.workflow_id || '#' || k, r.id, r.journey_id, case when r.arms->>'s' = 'email' then 'mail' else 'text' end,
          r.customer_id, case when r.arms->>'s' = 'email' then 'email' else 'sms' end,
          case when r.holdout then 'skipped' else 'sent' end, case when r.holdout then 'holdout' end,
          case when r.arms->>'s' = 'email' then 500 else 30000 end, r.started_at + make_interval(hours => k)
        from runs r cross join generate_series(1, 5) k where r.journey_id = ${journeyId}`),
    );
    await timed('insert conversions (~12% treated, ~10% holdout)', () =>
      db.execute(sql`
        insert into conversions (workspace_id, run_id, event_id, arm, value, converted_at)
        select r.workspace_id, r.id, 0, r.arms->>'s', 30, r.started_at + interval '2 days'
        from runs r where r.journey_id = ${journeyId} and (hashtext(r.workflow_id) & 1023) < case when r.holdout then 102 else 123 end`),
    );
    await db.execute(sql`analyze`);
    const [counts] = (
      await db.execute<{ runs: string; messages: string; rollups: string }>(sql`
      select (select count(*) from runs) as runs, (select count(*) from messages) as messages, (select count(*) from journey_daily_rollups) as rollups`)
    ).rows;
    console.log(`rows: runs ${counts!.runs}, messages ${counts!.messages}, rollup rows ${counts!.rollups}`);

    for (const groupBy of ['arm', 'day', 'node', 'day-arm'] as const) {
      // Twice: the first call also warms the connection and the plan cache.
      await loadJourneyResults(db, WS, journeyId, { groupBy });
      const r = await timed(`results groupBy=${groupBy}`, () =>
        loadJourneyResults(db, WS, journeyId, { groupBy }),
      );
      if (groupBy === 'arm') {
        const o = r!.overall;
        console.log(
          `  entered ${o.all.entered}, treated rate ${(o.treatment.rate! * 100).toFixed(2)}% [${o.treatment.rateInterval!.map((v) => (v * 100).toFixed(2)).join(', ')}], ` +
            `holdout ${(o.holdout!.rate! * 100).toFixed(2)}%, lift ${(o.lift!.absoluteLift! * 100).toFixed(2)} pp ` +
            `[${o.lift!.absoluteLiftInterval!.map((v) => (v * 100).toFixed(2)).join(', ')}], relative ${(o.lift!.relativeLift! * 100).toFixed(1)}%, ` +
            `cost ${o.treatment.cost.total.toFixed(2)}, per reactivation ${o.treatment.costPerReactivation!.toFixed(3)}, ` +
            `per incremental ${o.lift!.costPerIncrementalReactivation?.toFixed(3)}`,
        );
      }
    }
    const experiments = await timed('experiment results (chance to beat, mSPRT)', () =>
      experimentResults(db, WS, journeyId, 1),
    );
    for (const a of experiments[0]!.arms)
      console.log(
        `  arm ${a.arm}: ${a.converted}/${a.entered}, chance to beat control ${a.chanceToBeatControl?.toFixed(4) ?? '-'}`,
      );
  } finally {
    await database.drop();
  }
}

async function churnBenchmark(): Promise<void> {
  console.log('\nBG/NBD + Gamma-Gamma on CDNOW master, calibration to 1997-09-30 (weeks)');
  const path = fileURLToPath(new URL('../../../data/cdnow/CDNOW_master.txt', import.meta.url));
  const histories = summariseHistories(await readCdnowMaster(path), dayNumber('1997-09-30T00:00:00Z'));
  const weeks = weighSummaries(histories.map((h) => ({ x: h.x, tx: h.tx / 7, T: h.T / 7 })));
  const t0 = performance.now();
  const fit = fitBgNbd(weeks);
  const ms = performance.now() - t0;
  const p = fit.params;
  console.log(
    `  customers ${fit.customers}, r ${p.r.toFixed(4)}, alpha ${p.alpha.toFixed(4)}, a ${p.a.toFixed(4)}, b ${p.b.toFixed(4)}, LL ${fit.logLikelihood.toFixed(2)}, fit ${(ms / 1000).toFixed(2)} s`,
  );
  const t1 = performance.now();
  const gg = fitGammaGamma(
    histories.filter((h) => h.x > 0).map((h) => ({ x: h.x, mean: h.meanRepeatAmount })),
  );
  console.log(
    `  Gamma-Gamma: p ${gg.params.p.toFixed(3)}, q ${gg.params.q.toFixed(3)}, gamma ${gg.params.gamma.toFixed(3)}, LL ${gg.logLikelihood.toFixed(2)}, fit ${((performance.now() - t1) / 1000).toFixed(2)} s`,
  );
}

function aaBenchmark(): void {
  const settings = { alpha: 0.05, tau: 0.05, minPerArm: 100, maxDays: Number.POSITIVE_INFINITY };
  let winners = 0;
  for (let e = 0; e < 1000; e++) {
    const rnd = seededRandom(1000 + e);
    const a = { arm: 'control', entered: 0, conversions: 0 };
    const b = { arm: 'b', entered: 0, conversions: 0 };
    while (a.entered < 10_000) {
      for (let j = 0; j < 50; j++) {
        if (rnd.next() < 0.1) a.conversions++;
        if (rnd.next() < 0.1) b.conversions++;
      }
      a.entered += 50;
      b.entered += 50;
      if (decideExperiment(a, [b], settings, 0).status === 'winner') {
        winners++;
        break;
      }
    }
  }
  console.log(
    `\nA/A: 1,000 experiments, 200 looks each: false winners ${winners} (${(winners / 10).toFixed(1)}%, α = 5%)`,
  );
}

await resultsBenchmark();
await churnBenchmark();
aaBenchmark();
