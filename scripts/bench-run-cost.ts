/**
 * What one journey run costs (issue 19 item 1): `journeyRun` against the least a hand-written workflow pays for the
 * same work, on ONE Temporal dev server (SQLite file with the WAL pragmas, as `pnpm dev` runs it) and PostgreSQL.
 * Batches alternate: BENCH_RUN_COST_RUNS runs of `minimalActivitySleep` (activity → sleep 1 s → activity, each activity
 * the customer write of an `update_customer` step), then as many `journeyRun`s of a published journey doing the same
 * (trigger → update customer → delay → update customer → exit; the delay is 1 s in the plan the runs get, the editor's
 * smallest being a minute). Each batch: all runs started (BENCH_RUN_COST_START_CONCURRENCY in flight), then awaited;
 * completed runs/s = runs / (last result − first start). The run rows are written before a journey batch, as the run
 * starter does before it starts a workflow, so both sides are timed on their workflows alone.
 * Prints both rates, the ratio, history events per run, database commits and row writes per run, and the canonical
 * win-back's history length from the recorded histories (workflows/histories).
 *
 * Env: BENCH_RUN_COST_RUNS (150), BENCH_RUN_COST_ROUNDS (3 batches of each), BENCH_RUN_COST_START_CONCURRENCY (50),
 *      WORKER_MAX_ACTIVITIES (100), WORKER_MAX_WORKFLOW_TASKS (40).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { and, eq, sql } from 'drizzle-orm';
import {
  JOURNEY_RUN_WORKFLOW,
  journeyRunWorkflowId,
  journeyTaskQueue,
  type JourneyRunInput,
  type Plan,
} from '@wakeflow/journey';
import { journeyVersions, journeys, publishJourneyDraft, runs } from '@wakeflow/db';
import { createTestDatabase, TEST_WORKSPACE_ID as WS } from '@wakeflow/db/testing';
import { createCatalog, createNodeServices } from '@wakeflow/catalog';
import { upsertCustomers } from '@wakeflow/audience';
import { startTemporalDevServer } from '@wakeflow/devstack';
import { bundleJourneyWorkflows, createJourneyWorker } from '@wakeflow/temporal';
import type { MinimalActivities } from '../workflows/test/fixtures/minimal-activity-sleep/index';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RUNS = env('BENCH_RUN_COST_RUNS', 150);
const ROUNDS = env('BENCH_RUN_COST_ROUNDS', 3);
const START_CONCURRENCY = env('BENCH_RUN_COST_START_CONCURRENCY', 50);
const MAX_ACTIVITIES = env('WORKER_MAX_ACTIVITIES', 100);
const MAX_WORKFLOW_TASKS = env('WORKER_MAX_WORKFLOW_TASKS', 40);
const MINIMAL_QUEUE = 'bench-run-cost-minimal';
const DELAY_MS = 1_000;

type Subject = 'minimal' | 'journeyRun';
/** BENCH_RUN_COST_ONLY=journeyRun (or minimal) runs one side, e.g. to profile it. */
const SUBJECTS = (['minimal', 'journeyRun'] satisfies Subject[]).filter(
  (s) => !process.env.BENCH_RUN_COST_ONLY || s === process.env.BENCH_RUN_COST_ONLY,
);
interface Batch {
  subject: Subject;
  seconds: number;
  commits: number;
  rowWrites: number;
  /** CPU ms per run of this process (the worker and the client), the Temporal server and PostgreSQL's backends. */
  workerCpuMs: number;
  serverCpuMs: number;
  postgresCpuMs: number;
  workflowId: string;
}

/** CPU time (user + system) of a process, in ms, from /proc (Linux). */
async function processCpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command (which may hold spaces) start after its closing parenthesis; utime and stime are 14, 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const graph = {
  nodes: [
    { id: 'trigger', type: 'api_trigger', config: {} },
    { id: 'touch_a', type: 'update_customer', config: { setTraits: { bench_step: 'a' } } },
    { id: 'pause', type: 'delay', config: { mode: 'duration', duration: { amount: 1, unit: 'minutes' } } },
    { id: 'touch_b', type: 'update_customer', config: { setTraits: { bench_step: 'b' } } },
    { id: 'done', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 'trigger', outcome: 'next', target: 'touch_a' },
    { source: 'touch_a', outcome: 'next', target: 'pause' },
    { source: 'pause', outcome: 'next', target: 'touch_b' },
    { source: 'touch_b', outcome: 'next', target: 'done' },
  ],
};

async function historyLength(file: string): Promise<number> {
  const dir = fileURLToPath(new URL('../workflows/histories/', import.meta.url));
  const history = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { events: unknown[] };
  return history.events.length;
}

/** Runs `start` over `count` items, `START_CONCURRENCY` at a time. */
async function startAll<T>(count: number, start: (i: number) => Promise<T>): Promise<T[]> {
  const started: T[] = [];
  for (let i = 0; i < count; i += START_CONCURRENCY) {
    started.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(START_CONCURRENCY, count - i) }, (_, j) => start(i + j)),
      )),
    );
  }
  return started;
}

Runtime.install({ logger: new DefaultLogger('WARN') });
console.log(
  `bench-run-cost: ${ROUNDS} × ${RUNS} runs of each (activity → ${DELAY_MS / 1000} s → activity), alternating, ` +
    `${START_CONCURRENCY} starts in flight, worker ${MAX_ACTIVITIES} activities / ${MAX_WORKFLOW_TASKS} workflow tasks`,
);
const t = await createTestDatabase();
const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-run-cost-'));
const server = await startTemporalDevServer({
  port: 0,
  headless: true,
  dbFile: path.join(dataDir, 'temporal.db'),
});
const connection = await Connection.connect({ address: server.address });
const native = await NativeConnection.connect({ address: server.address });
try {
  const { db } = t;
  const customers = await upsertCustomers(
    db,
    WS,
    Array.from({ length: RUNS }, (_, i) => ({ externalId: `cost-${i}` })),
  );
  const catalog = createCatalog();
  const [journey] = await db
    .insert(journeys)
    .values({ workspaceId: WS, name: 'run cost bench', draftGraph: graph, draftSettings: {} })
    .returning({ id: journeys.id });
  const journeyId = journey!.id;
  await publishJourneyDraft(db, catalog, { workspaceId: WS, journeyId });
  const [version] = await db
    .select({ version: journeyVersions.version, plan: journeyVersions.plan })
    .from(journeyVersions)
    .where(and(eq(journeyVersions.journeyId, journeyId), eq(journeyVersions.workspaceId, WS)));
  const published = version!.plan as unknown as Plan;
  const pause = published.steps['pause'];
  if (pause?.op !== 'sleep') throw new Error('The bench journey compiled without its delay');
  // The input is the run's own copy of the plan: shortening its delay changes nothing published.
  const plan: Plan = { ...published, steps: { ...published.steps, pause: { ...pause, ms: DELAY_MS } } };

  const services = createNodeServices({
    db,
    publicUrl: 'http://127.0.0.1:3999',
    logger: { info: () => undefined, warn: () => undefined },
  });
  const workerOptions = {
    maxConcurrentActivityTaskExecutions: MAX_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: MAX_WORKFLOW_TASKS,
  };
  const journeyWorker = await createJourneyWorker({
    connection: native,
    workspaceId: WS,
    db,
    catalog,
    services,
    workflowBundle: await bundleJourneyWorkflows(),
    ...workerOptions,
  });
  const minimalActivities: MinimalActivities = {
    touchCustomer: ({ workspaceId, customerId, step }) =>
      services.customers.update({ workspaceId, customerId }, { setTraits: { bench_step: step } }),
  };
  const minimalWorker = await Worker.create({
    connection: native,
    taskQueue: MINIMAL_QUEUE,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(
        new URL('../workflows/test/fixtures/minimal-activity-sleep/index.ts', import.meta.url),
      ),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    }),
    activities: minimalActivities,
    ...workerOptions,
  });
  const client = new Client({ connection });

  const databaseCounters = async () => {
    // Backends report their counters when idle for a second: wait for the pool's to come in.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const [row] = (
      await db.execute<{ commits: string; writes: string }>(sql`
        select (select xact_commit from pg_stat_database where datname = current_database()) as commits,
               (select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) from pg_stat_user_tables) as writes`)
    ).rows;
    return { commits: Number(row!.commits), writes: Number(row!.writes) };
  };
  /** CPU of the backends serving this database (the pool's connections, which live through a batch). */
  const postgresCpuMs = async () => {
    const backends = (
      await db.execute<{ pid: number }>(
        sql`select pid from pg_stat_activity where datname = current_database()`,
      )
    ).rows;
    const each = await Promise.all(backends.map((b) => processCpuMs(b.pid)));
    return new Map(backends.map((b, i) => [b.pid, each[i]!]));
  };

  const batch = async (subject: Subject, round: number): Promise<Batch> => {
    const entry = round + 1;
    const inputs: JourneyRunInput[] = customers.map((customer) => ({
      runId: randomUUID(),
      workspaceId: WS,
      journeyId,
      version: version!.version,
      customerId: customer.id,
      entry,
      plan,
      holdout: false,
    }));
    if (subject === 'journeyRun') {
      // What the run starter writes before it starts a workflow (entry limits count the row at once).
      await db.insert(runs).values(
        inputs.map((input) => ({
          id: input.runId,
          workspaceId: WS,
          workflowId: journeyRunWorkflowId(input),
          journeyId,
          version: input.version,
          customerId: input.customerId,
          entry,
          holdout: false,
          startedAt: new Date(),
        })),
      );
    }
    const before = await databaseCounters();
    const cpuBefore = {
      worker: ownCpuMs(),
      server: await processCpuMs(server.pid),
      postgres: await postgresCpuMs(),
    };
    const began = performance.now();
    const handles: WorkflowHandle[] = await startAll(RUNS, (i) => {
      const input = inputs[i]!;
      return subject === 'journeyRun'
        ? client.workflow.start(JOURNEY_RUN_WORKFLOW, {
            taskQueue: journeyTaskQueue(WS),
            workflowId: journeyRunWorkflowId(input),
            args: [input],
          })
        : client.workflow.start('minimalActivitySleep', {
            taskQueue: MINIMAL_QUEUE,
            workflowId: `minimal/${input.customerId}/${entry}`,
            args: [{ workspaceId: WS, customerId: input.customerId }],
          });
    });
    await Promise.all(handles.map((handle) => handle.result()));
    const seconds = (performance.now() - began) / 1000;
    const cpuAfter = {
      worker: ownCpuMs(),
      server: await processCpuMs(server.pid),
      postgres: await postgresCpuMs(),
    };
    let postgresCpu = 0;
    for (const [pid, ms] of cpuAfter.postgres) postgresCpu += ms - (cpuBefore.postgres.get(pid) ?? 0);
    const after = await databaseCounters();
    return {
      subject,
      seconds,
      commits: (after.commits - before.commits) / RUNS,
      rowWrites: (after.writes - before.writes) / RUNS,
      workerCpuMs: (cpuAfter.worker - cpuBefore.worker) / RUNS,
      serverCpuMs: (cpuAfter.server - cpuBefore.server) / RUNS,
      postgresCpuMs: postgresCpu / RUNS,
      workflowId: handles[0]!.workflowId,
    };
  };

  const batches: Batch[] = [];
  await journeyWorker.runUntil(() =>
    minimalWorker.runUntil(async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const subject of SUBJECTS) {
          const done = await batch(subject, round);
          batches.push(done);
          console.log(
            `  round ${round + 1} ${subject}: ${RUNS} runs in ${done.seconds.toFixed(1)} s = ` +
              `${(RUNS / done.seconds).toFixed(1)} runs/s`,
          );
        }
      }
    }),
  );

  const summary = async (subject: Subject) => {
    const mine = batches.filter((b) => b.subject === subject);
    const seconds = mine.reduce((sum, b) => sum + b.seconds, 0);
    const history = await client.workflow.getHandle(mine[0]!.workflowId).fetchHistory();
    const mean = (value: (b: Batch) => number) => mine.reduce((sum, b) => sum + value(b), 0) / mine.length;
    return {
      workerCpuMs: mean((b) => b.workerCpuMs),
      serverCpuMs: mean((b) => b.serverCpuMs),
      postgresCpuMs: mean((b) => b.postgresCpuMs),
      rate: (RUNS * mine.length) / seconds,
      events: history.events?.length ?? 0,
      commits: mine.reduce((sum, b) => sum + b.commits, 0) / mine.length,
      rowWrites: mine.reduce((sum, b) => sum + b.rowWrites, 0) / mine.length,
    };
  };
  if (SUBJECTS.length < 2) process.exit(0);
  const minimal = await summary('minimal');
  const journeyRun = await summary('journeyRun');
  const line = (name: string, s: typeof minimal) =>
    `${name}: ${s.rate.toFixed(1)} completed runs/s, ${s.events} history events, ` +
    `≈${s.commits.toFixed(1)} database commits and ≈${s.rowWrites.toFixed(1)} row writes per run; CPU per run: ` +
    `worker ${s.workerCpuMs.toFixed(1)} ms, Temporal server ${s.serverCpuMs.toFixed(1)} ms, ` +
    `PostgreSQL ${s.postgresCpuMs.toFixed(1)} ms`;
  console.log(line('minimal hand-written workflow', minimal));
  console.log(line('journeyRun', journeyRun));
  console.log(
    `ratio: journeyRun completes ${((100 * journeyRun.rate) / minimal.rate).toFixed(0)}% of the minimal workflow's runs/s (target ≥ 80%)`,
  );
  console.log(
    `canonical win-back, customer who never returns: ${await historyLength('folded-bookkeeping-canonical-still-dormant.json')} history events ` +
      `(${await historyLength('canonical-still-dormant.json')} before folded bookkeeping; target ≤ 40)`,
  );
} finally {
  await native.close();
  await connection.close();
  await server.stop();
  await t.drop();
  await rm(dataDir, { recursive: true, force: true });
}
