/**
 * Backtest benchmark (issue 15): the canonical win-back journey backtested over the whole CDNOW master (23,570
 * customers, 18 months of purchases shifted to end today, with the demo's logins), the trigger evaluated daily.
 * Target: under 10 s. Prints customers entered, messages per channel, and the natural return within the first
 * 7-day wait, overall and by value tier, the wall and CPU time and the peak memory. Loading the data is not timed.
 *
 * BENCH_BACKTEST_DATABASE_URL: reuse a database a previous run loaded (printed with BENCH_KEEP=1), or one the
 *   audience benchmark kept (1M customers / 20M events: BENCH_BACKTEST_WORKSPACE=test); the canonical journey is
 *   installed there when the workspace has none.
 * BENCH_BACKTEST_FROM / BENCH_BACKTEST_TO: a window (default: the whole log), e.g. the last 30 days at 1M, where most
 *   customers enter at once.
 * BENCH_BACKTEST_REPORT=<file>: write the report there as JSON (without its time), to compare two runs' reports.
 * BENCH_BACKTEST_COMPARE=1: also backtest with the trigger's SQL each day (how every backtest ran before the
 *   in-memory trigger), and check both reports are the same.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import { connect, type DatabaseHandle } from '@wakeflow/db';
import { createTestDatabase } from '@wakeflow/db/testing';
import type { BacktestReport } from '@wakeflow/contracts';
import { createCatalog, eventLogSpan, runBacktest } from '@wakeflow/catalog';
import { installCanonicalJourney, seedDemo } from '../src/demo/seed';

const MASTER = fileURLToPath(new URL('../../../data/cdnow/CDNOW_master.txt', import.meta.url));
const workspaceId = process.env.BENCH_BACKTEST_WORKSPACE ?? 'default';

let handle: DatabaseHandle;
let drop: (() => Promise<void>) | undefined;
let journeyId: string;
const reuse = process.env.BENCH_BACKTEST_DATABASE_URL;
if (reuse) {
  handle = connect(reuse);
  const rows = await handle.db.execute<{ id: string }>(
    sql`select id from journeys where workspace_id = ${workspaceId} order by created_at limit 1`,
  );
  journeyId =
    rows.rows[0]?.id ?? (await installCanonicalJourney(handle.db, createCatalog(), workspaceId)).journeyId;
} else {
  const test = await createTestDatabase({ workspaceIds: [workspaceId] });
  handle = test;
  drop = process.env.BENCH_KEEP === '1' ? undefined : () => test.drop();
  const loading = performance.now();
  const seeded = await seedDemo({
    db: test.db,
    catalog: createCatalog(),
    workspaceId,
    customers: 1_000_000,
    purchasesPath: MASTER,
  });
  journeyId = seeded.journeyId;
  console.log(
    `loaded ${'customers' in seeded ? seeded.customers : '?'} customers, ${'events' in seeded ? seeded.events : '?'} events in ${((performance.now() - loading) / 1000).toFixed(1)} s${drop ? '' : ` (kept: ${test.url})`}`,
  );
}

const load = await handle.db.execute<{ events: number }>(
  sql`select count(*)::int as events from events where workspace_id = ${workspaceId}`,
);
console.log(`${load.rows[0]?.events ?? 0} events in the workspace; machine load average ${loadAverage()}`);

function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');
}

/** One backtest, timed, with this process's CPU time and peak resident memory (sampled every 100 ms). */
async function timed(inMemory: boolean, span: { first: string; last: string }) {
  const startedAt = performance.now();
  const cpuBefore = process.cpuUsage();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  try {
    const report = await runBacktest(handle.db, {
      workspaceId,
      journeyId,
      from: span.first,
      to: span.last,
      inMemory,
    });
    const cpu = process.cpuUsage(cpuBefore);
    return {
      report,
      seconds: (performance.now() - startedAt) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakMiB: Math.max(peak, process.memoryUsage().rss) / 2 ** 20,
    };
  } finally {
    clearInterval(sampler);
  }
}

try {
  const log = await eventLogSpan(handle.db, workspaceId);
  if (!log) throw new Error('no events');
  const span = {
    first: process.env.BENCH_BACKTEST_FROM ?? log.first,
    last: process.env.BENCH_BACKTEST_TO ?? log.last,
  };
  const rssBefore = process.memoryUsage().rss / 2 ** 20;
  const run = await timed(true, span);
  const { report } = run;
  console.log(
    `backtest ${span.first} … ${span.last} (${report.window.days} days, ${report.customers} customers): ${run.seconds.toFixed(2)} s (target < 10 s for CDNOW, < 5 min at 1M / 20M); load average after ${loadAverage()}`,
  );
  console.log(`trigger evaluated ${report.evaluation.method ?? '?'}`);
  // On a shared machine the wall time includes waiting for a core; this is the backtest's own CPU time.
  console.log(
    `this process's CPU time ${run.cpuSeconds.toFixed(1)} s (the rest: PostgreSQL and waiting); rss before ${rssBefore.toFixed(0)} MiB, peak ${run.peakMiB.toFixed(0)} MiB`,
  );
  if (process.env.BENCH_BACKTEST_REPORT)
    writeFileSync(
      process.env.BENCH_BACKTEST_REPORT,
      `${JSON.stringify({ ...report, tookMs: 0 }, null, 1)}\n`,
    );
  if (process.env.BENCH_BACKTEST_COMPARE === '1') {
    const before = await timed(false, span);
    const same = (r: BacktestReport) => ({ ...r, tookMs: 0, evaluation: { ...r.evaluation, method: '' } });
    console.log(
      `the same backtest with the trigger's SQL each day (before): ${before.seconds.toFixed(2)} s, CPU ${before.cpuSeconds.toFixed(1)} s, peak rss ${before.peakMiB.toFixed(0)} MiB; reports ${isDeepStrictEqual(same(before.report), same(report)) ? 'identical' : 'DIFFER'}; load average after ${loadAverage()}`,
    );
  }
  const wait = report.naturalReturn.find((w) => w.stepId === 'wait_return');
  const pct = (r: number | null) => (r === null ? 'n/a' : `${(r * 100).toFixed(1)}%`);
  console.log(
    `entries ${report.entries.total}, customers entered ${report.entries.customers}, holdout ${report.entries.holdout}, open at the end ${report.runs.open}`,
  );
  for (const m of report.messages)
    console.log(
      `  ${m.channel}: sent ${m.sent}, held out ${m.heldOut}, skipped ${m.skipped}, deferrals ${m.deferrals}, cost ${m.cost.toFixed(2)}`,
    );
  if (wait) {
    console.log(`natural return within the 7-day wait: ${wait.returned}/${wait.reached} = ${pct(wait.rate)}`);
    for (const g of wait.byValueTier)
      console.log(`  tier ${g.key}: ${g.returned}/${g.reached} = ${pct(g.rate)}`);
    for (const g of wait.byDormancyStage)
      console.log(`  stage ${g.key}: ${g.returned}/${g.reached} = ${pct(g.rate)}`);
  }
  for (const o of report.outcomes) console.log(`  outcome ${o.outcome}: ${o.runs}`);
} finally {
  // Dropping the bench's own database closes its pool first; a reused or kept one is only closed.
  if (drop) await drop();
  else await handle.close();
}
