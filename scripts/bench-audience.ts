/**
 * Audience benchmark (issue 4): ingest rate, incremental fact cost per event, the "no login for 30 days and value
 * tier high" segment count, and a full RFM recompute, on a fresh database; then the audience sweep's start rate of
 * journey runs on Temporal's dev server with a real worker (scripts/bench-sweep.ts).
 *
 * The data is CDNOW scaled up: each synthetic customer copies a real CDNOW customer's purchases (gaps and spend
 * as they were), shifted so the log ends about today; logins and browses are added around those purchases until
 * the configured events per customer are reached.
 *
 *   pnpm exec tsx scripts/bench-audience.ts
 *   BENCH_CUSTOMERS=100000 BENCH_EVENTS=2000000 pnpm exec tsx scripts/bench-audience.ts
 * Env: BENCH_CUSTOMERS (1,000,000), BENCH_EVENTS (20,000,000), BENCH_BATCH (10,000), BENCH_CONCURRENCY (2),
 *      BENCH_KEEP=1 keeps the database; the server comes from WAKEFLOW_TEST_DATABASE_URL / DATABASE_URL.
 *      BENCH_ONLY=data | sweep runs one part; the sweep part's settings are in bench-sweep.ts.
 *      BENCH_REBUILD=0 skips the facts rebuild; BENCH_REBUILD_UNSTAGED=1 | 0 times the rebuild without a stage
 *      beside it (on by default up to 100,000 customers).
 *      BENCH_ONLY=rebuild BENCH_DATABASE_URL=<a database kept with BENCH_KEEP=1>: the facts rebuild alone, again.
 *      BENCH_REBUILD_CONCURRENCY: connections applying the rebuild's chunks (the product's default unless set).
 */
// The bodies live in @wakeflow/audience so that their imports (drizzle, the package itself) resolve there.
const only = process.env.BENCH_ONLY;
if (only === 'rebuild') {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url)
    throw new Error('BENCH_ONLY=rebuild needs BENCH_DATABASE_URL (a database kept with BENCH_KEEP=1)');
  const { runRebuildBench } = await import('../packages/audience/src/bench/run-bench');
  await runRebuildBench(url);
} else if (only !== 'sweep') {
  const { runDataBench } = await import('../packages/audience/src/bench/run-bench');
  await runDataBench();
}
if (only !== 'data' && only !== 'rebuild') {
  const { runSweepBench } = await import('./bench-sweep');
  await runSweepBench();
}
export {};
