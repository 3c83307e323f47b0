/**
 * Worker memory per cached waiting run (issues 15 and 19): the Temporal SDK evaluates a workflow's imports again for
 * every run it keeps in its cache, so whatever `journeyRun` imports is paid once per waiting customer. Starts
 * BENCH_WAITING_RUNS (default 1,000) runs that wait 30 days for a login on a dev server, with no-op activities and a
 * cache large enough to keep them all, and prints the worker's resident memory per run — for `journeyRun` and, as the
 * baseline, a workflow that only waits. Each measurement runs in its own process, so one does not inflate the other.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { JourneyActivities, JourneyRunInput, Plan } from '@wakeflow/journey';
import { bundleJourneyWorkflows } from '@wakeflow/temporal';

const RUNS = Number(process.env.BENCH_WAITING_RUNS ?? 1_000);
const WARM_UP_RUNS = 20;
const TASK_QUEUE = 'bench-workflow-memory';
type Subject = 'journeyRun' | 'minimalWaiting';

const waitingPlan: Plan = {
  schemaVersion: 1,
  entryStepId: 't',
  trigger: { nodeId: 't', type: 'api_trigger', config: {} },
  steps: {
    t: { id: 't', type: 'api_trigger', op: 'entry', next: { next: 'w' } },
    w: {
      id: 'w',
      type: 'wait_for_event',
      op: 'wait',
      events: [{ event: 'login', outcome: 'login' }],
      timeoutMs: 30 * 86_400_000,
      timeoutOutcome: 'timeout',
      next: { login: 'back', timeout: 'gone' },
    },
    back: { id: 'back', type: 'exit', op: 'exit', outcome: 'back', next: {} },
    gone: { id: 'gone', type: 'exit', op: 'exit', outcome: 'gone', next: {} },
  },
  settings: { reentry: { mode: 'once' }, holdoutPercent: 0, priority: 5 },
  nodeVersions: {},
  hash: '0'.repeat(64),
};

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

async function measure(subject: Subject): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cli = process.env.WAKEFLOW_TEMPORAL_CLI;
  const env = await TestWorkflowEnvironment.createLocal({
    server: { ...(cli ? { executable: { type: 'existing-path', path: cli } } : {}), ui: false },
  });
  let waiting = 0;
  const activities: JourneyActivities = {
    registerRun: async () => undefined,
    recordStep: async (record) => {
      if (record.nodeId === 'w') waiting += 1;
    },
    // Runs with folded bookkeeping write their wait step in one local activity before the wait's timer.
    recordRun: async ({ records }) => {
      if (records.steps.some((step) => step.nodeId === 'w')) waiting += 1;
    },
    finishRun: async () => undefined,
    endRun: async () => undefined,
    executeNode: async () => ({ outcome: 'next' }),
    nextLocalTime: async ({ after }) => after,
  };
  const workflowBundle =
    subject === 'journeyRun'
      ? await bundleJourneyWorkflows()
      : await bundleWorkflowCode({
          workflowsPath: fileURLToPath(
            new URL('../workflows/test/fixtures/minimal-waiting/index.ts', import.meta.url),
          ),
          logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
        });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle,
    activities,
    maxCachedWorkflows: RUNS + WARM_UP_RUNS + 100,
  });
  const start = async (from: number, count: number) => {
    for (let i = from; i < from + count; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, from + count - i) }, (_, j) => {
          const id = `bench-${subject}-${i + j}`;
          if (subject === 'minimalWaiting')
            return env.client.workflow.start('minimalWaiting', { taskQueue: TASK_QUEUE, workflowId: id });
          const input: JourneyRunInput = {
            runId: id,
            workspaceId: 'bench',
            journeyId: 'j',
            version: 1,
            customerId: `c-${i + j}`,
            entry: 1,
            plan: waitingPlan,
            holdout: false,
          };
          return env.client.workflow.start('journeyRun', {
            taskQueue: TASK_QUEUE,
            workflowId: id,
            args: [input],
          });
        }),
      );
    }
  };
  // journeyRun waits once it has recorded its wait step; the baseline once the worker has it cached.
  const settle = async (expected: number) => {
    const deadline = Date.now() + 10 * 60_000;
    const settled = () =>
      worker.getStatus().numCachedWorkflows >= expected &&
      (subject === 'minimalWaiting' || waiting >= expected);
    while (!settled() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    // The workflow task after the record still has to complete.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  };
  await worker.runUntil(async () => {
    await start(0, WARM_UP_RUNS);
    await settle(WARM_UP_RUNS);
    const before = process.memoryUsage().rss;
    const startedAt = Date.now();
    await start(WARM_UP_RUNS, RUNS);
    await settle(WARM_UP_RUNS + RUNS);
    const after = process.memoryUsage().rss;
    const cached = worker.getStatus().numCachedWorkflows;
    console.log(
      `${subject}: ${RUNS} waiting runs (${cached} cached) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; ` +
        `worker RSS ${mib(before)} → ${mib(after)}: ${((after - before) / RUNS / 1024).toFixed(0)} KiB per cached run`,
    );
  });
  await env.teardown();
}

const subject = process.argv[2];
if (subject === 'journeyRun' || subject === 'minimalWaiting') {
  await measure(subject);
} else {
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const self = fileURLToPath(import.meta.url);
  for (const each of ['minimalWaiting', 'journeyRun'] satisfies Subject[]) {
    const result = spawnSync(tsx, [self, each], { stdio: 'inherit', env: process.env });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
