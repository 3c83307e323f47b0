/**
 * Backtest benchmark (issue 15): the canonical win-back journey backtested over the whole CDNOW master (23,570
 * customers, 18 months of purchases shifted to end today, with the demo's logins), the trigger evaluated daily.
 * Target: under 10 s. Prints customers entered, messages per channel, and the natural return within the first
 * 7-day wait, overall and by value tier. Loading the data is not timed.
 *
 * BENCH_BACKTEST_DATABASE_URL: reuse a database a previous run loaded (printed with BENCH_KEEP=1).
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { connect, type DatabaseHandle } from '@wakeflow/db';
import { createTestDatabase } from '@wakeflow/db/testing';
import { createCatalog, eventLogSpan, runBacktest } from '@wakeflow/catalog';
import { seedDemo } from '../src/demo/seed';

const MASTER = fileURLToPath(new URL('../../../data/cdnow/CDNOW_master.txt', import.meta.url));
const workspaceId = 'default';

let handle: DatabaseHandle;
let drop: (() => Promise<void>) | undefined;
let journeyId: string;
const reuse = process.env.BENCH_BACKTEST_DATABASE_URL;
if (reuse) {
  handle = connect(reuse);
  const rows = await handle.db.execute<{ id: string }>(
    sql`select id from journeys where workspace_id = ${workspaceId} order by created_at limit 1`,
  );
  journeyId = rows.rows[0]!.id;
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
try {
  const span = await eventLogSpan(handle.db, workspaceId);
  if (!span) throw new Error('no events');
  const startedAt = performance.now();
  const memoryBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const report = await runBacktest(handle.db, { workspaceId, journeyId, from: span.first, to: span.last });
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const wait = report.naturalReturn.find((w) => w.stepId === 'wait_return');
  const pct = (r: number | null) => (r === null ? 'n/a' : `${(r * 100).toFixed(1)}%`);
  console.log(
    `backtest ${span.first} … ${span.last} (${report.window.days} days, ${report.customers} customers): ${seconds.toFixed(2)} s (target < 10 s)`,
  );
  // On a shared machine the wall time includes waiting for a core; this is the backtest's own CPU time.
  console.log(`trigger evaluated ${report.evaluation.method ?? '?'}`);
  console.log(
    `this process's CPU time ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (the rest: PostgreSQL and waiting)`,
  );
  console.log(
    `rss before ${(memoryBefore / 2 ** 20).toFixed(0)} MiB, after ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
  );
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
  await handle.close();
  await drop?.();
}
