/**
 * `pnpm bench`: every benchmark, one after another, each printing its figures. Speed and memory targets live
 * here, never in tests. Scale with the variables each benchmark documents (e.g. BENCH_CUSTOMERS, BENCH_EVENTS).
 * `pnpm bench replay editor` runs only the named ones.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
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
// Benchmarks encrypt provider secrets and sign links like the product: a throwaway key unless one is given.
const env = {
  ...process.env,
  WAKEFLOW_SECRET_KEY: process.env.WAKEFLOW_SECRET_KEY ?? randomBytes(32).toString('hex'),
};
const teardown = await setup();
let failed = 0;
try {
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
  await teardown();
}
process.exit(failed ? 1 : 0);
