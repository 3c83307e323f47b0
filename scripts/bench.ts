/**
 * `pnpm bench`: every benchmark, one after another, each printing its figures. Speed and memory targets live
 * here, never in tests. Scale with the variables each benchmark documents (e.g. BENCH_CUSTOMERS, BENCH_EVENTS).
 * `pnpm bench replay editor` runs only the named ones.
 *
 * They run on the server the tests use (WAKEFLOW_TEST_DATABASE_URL, DATABASE_URL or 127.0.0.1:5432), or, with
 * BENCH_POSTGRES=embedded, on a cluster of the project's own started for the run (what `pnpm start` runs: the
 * server's defaults, autovacuum on). A server with autovacuum off never vacuums or analyzes the tables a benchmark
 * fills: at scale its figures are not a production server's, and the run says so.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { APP_ROLE } from '@wakeflow/db';
import { startEmbeddedPostgres, type PostgresHandle } from '@wakeflow/devstack';
import setup from './test-global-setup';
import { backtestNodeFlags } from './node-flags';

const benches: Record<string, string> = {
  replay: 'scripts/bench-replay.ts',
  'workflow-memory': 'scripts/bench-workflow-memory.ts',
  'run-cost': 'scripts/bench-run-cost.ts',
  send: 'packages/channels/bench/send.bench.ts',
  audience: 'scripts/bench-audience.ts',
  analytics: 'scripts/bench-analytics.ts',
  editor: 'apps/web/bench/editor.bench.ts',
  'outage-load': 'apps/worker/bench/outage-load.bench.ts',
  backtest: 'apps/api/bench/backtest.bench.ts',
  preview: 'apps/api/bench/preview.bench.ts',
  cohort: 'scripts/bench-cohort.ts',
};

/** Node flags of a benchmark, as the product runs what it measures. */
const nodeFlags: Record<string, readonly string[]> = { backtest: backtestNodeFlags };

// The tsx CLI, not `node --import tsx`: the latter corrupts async hooks in Temporal's worker threads on Node 20.
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const only = process.argv.slice(2);
let embedded: { handle: PostgresHandle; dir: string } | undefined;
if (process.env.BENCH_POSTGRES === 'embedded') {
  const dir = await mkdtemp(path.join(tmpdir(), 'wakeflow-bench-pg-'));
  const handle = await startEmbeddedPostgres({ env: {}, dataDir: dir, port: 0, appRole: APP_ROLE });
  embedded = { handle, dir };
  process.env.WAKEFLOW_TEST_DATABASE_URL = handle.url;
} else if (process.env.BENCH_POSTGRES !== undefined) {
  throw new Error(`BENCH_POSTGRES=${process.env.BENCH_POSTGRES}: the only value is "embedded"`);
}
let teardown: (() => Promise<void>) | undefined;
let failed = 0;
// Inside the try: a cluster started above is stopped whatever fails after it.
try {
  teardown = await setup();
  await describeServer(process.env.WAKEFLOW_TEST_DATABASE_URL!);
  // Taken after the server is chosen, so each benchmark runs on the server described above. Benchmarks encrypt
  // provider secrets and sign links like the product: a throwaway key unless one is given.
  const env = {
    ...process.env,
    WAKEFLOW_SECRET_KEY: process.env.WAKEFLOW_SECRET_KEY ?? randomBytes(32).toString('hex'),
  };
  for (const [name, file] of Object.entries(benches)) {
    if (only.length && !only.includes(name)) continue;
    console.log(`\n=== ${name} (${file}) ===`);
    const result = spawnSync(tsx, [...(nodeFlags[name] ?? []), file], { stdio: 'inherit', env });
    if (result.status !== 0) {
      failed += 1;
      console.log(`=== ${name} failed (exit ${result.status ?? result.signal}) ===`);
    }
  }
} finally {
  await teardown?.();
  if (embedded) {
    await embedded.handle.stop();
    await rm(embedded.dir, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);

/** The server's settings that decide figures at scale, printed before any benchmark. */
async function describeServer(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const setting = async (name: string) =>
      (await client.query<{ setting: string }>('select current_setting($1) as setting', [name])).rows[0]!
        .setting;
    const version = await setting('server_version');
    const autovacuum = await setting('autovacuum');
    console.log(
      `PostgreSQL ${version}${embedded ? " (the project's own, started for this run)" : ''}: autovacuum ${autovacuum}, shared_buffers ${await setting('shared_buffers')}, synchronous_commit ${await setting('synchronous_commit')}`,
    );
    if (autovacuum !== 'on')
      console.log(
        "autovacuum is off on this server: the tables a benchmark fills are never vacuumed or analyzed, so figures at scale are not a production server's (BENCH_POSTGRES=embedded runs on the project's own cluster)",
      );
  } finally {
    await client.end();
  }
}
