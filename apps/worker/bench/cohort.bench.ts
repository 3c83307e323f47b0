/**
 * Cohort executor benchmark (issue 19 items 2–4): BENCH_CUSTOMERS customers of a segment enter the canonical win-back
 * journey (email + SMS first touch → wait 7 days → second wave) through the real audience sweep, which admits each
 * page through cohorts (`cohortRun`, WAKEFLOW_COHORT_SIZE members each), on one Temporal dev server (SQLite file with
 * the WAL pragmas, as `pnpm dev` runs it) and PostgreSQL, with a production-wired worker and the log provider.
 *
 * Prints: time until every first touch (both messages of every customer) is recorded and handed to the provider,
 * customers/s; Temporal work per customer (history events, activities, timers, signals, workflow starts) for the
 * cohorts against BENCH_SINGLE_CUSTOMERS per-customer `journeyRun`s taken to the same point (waiting); worker memory
 * (this process's RSS: the worker runs here); and event → action latency for customers inside a cohort and for
 * per-customer runs: logins routed at BENCH_EVENT_RATE events/s for BENCH_EVENT_SECONDS, each timed from routing
 * until its run has ended (step recorded, run finished), observed every 25 ms.
 *
 * Env: BENCH_CUSTOMERS (10,000; 1,000,000 for the issue's figure), BENCH_SINGLE_CUSTOMERS (1,000), BENCH_SWEEP_PAGE
 *      (1,000), WAKEFLOW_COHORT_SIZE (1,000), BENCH_EVENT_RATE (100), BENCH_EVENT_SECONDS (10),
 *      WORKER_MAX_ACTIVITIES (100), WORKER_MAX_WORKFLOW_TASKS (40), WORKER_MAX_CACHED_WORKFLOWS (the SDK's default, as
 *      the worker's), BENCH_WORK_SAMPLE (20: cohorts whose histories
 *      are counted, with each activity type's time scheduled → started → completed), BENCH_FIRST_TOUCH_LIMIT_S (1,800:
 *      past it the rate so far is printed and the bench goes on), BENCH_ONLY=admission (the sweep and the cohort
 *      starter alone, no worker: time until every runs row is written and every cohort started).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { journeyTaskQueue } from '@wakeflow/journey';
import { journeys, publishJourneyDraft, runs, templates } from '@wakeflow/db';
import { createTestDatabase, TEST_WORKSPACE_ID as WS } from '@wakeflow/db/testing';
import { createCatalog, createNodeServices } from '@wakeflow/catalog';
import { saveChannelSettings } from '@wakeflow/channels';
import {
  createAudienceActivities,
  createSegment,
  runAudienceSweep,
  upsertCustomers,
  type SweepProgress,
} from '@wakeflow/audience';
import { canonicalWinBack } from '@wakeflow/nodes';
import { startTemporalDevServer } from '@wakeflow/devstack';
import {
  bundleJourneyWorkflows,
  createEventRouter,
  createJourneyWorker,
  createRunStarter,
  type RoutableEvent,
} from '@wakeflow/temporal';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const N = env('BENCH_CUSTOMERS', 10_000);
const SINGLE = env('BENCH_SINGLE_CUSTOMERS', 1_000);
const PAGE = env('BENCH_SWEEP_PAGE', 1_000);
const COHORT_SIZE = env('WAKEFLOW_COHORT_SIZE', 1_000);
const EVENT_RATE = env('BENCH_EVENT_RATE', 100);
const EVENT_SECONDS = env('BENCH_EVENT_SECONDS', 10);
const WORK_SAMPLE = env('BENCH_WORK_SAMPLE', 20);
const FIRST_TOUCH_LIMIT_S = env('BENCH_FIRST_TOUCH_LIMIT_S', 1_800);
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed
}

/** History event types (temporal.api.enums.v1.EventType). */
const ACTIVITY_TASK_SCHEDULED = 10;
const TIMER_STARTED = 17;
const WORKFLOW_EXECUTION_SIGNALED = 26;
const ACTIVITY_TASK_STARTED = 11;
const ACTIVITY_TASK_COMPLETED = 12;
const WORKFLOW_EXECUTION_COMPLETED = 2;
const WORKFLOW_TASK_STARTED = 6;
const WORKFLOW_TASK_COMPLETED = 7;
interface Work {
  events: number;
  activities: number;
  timers: number;
  signals: number;
  starts: number;
  /** By activity type: how many, and the summed time from scheduled to started and from started to completed. */
  byActivity: Map<string, { n: number; waitMs: number; runMs: number }>;
}
const msOf = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 0;
/**
 * Per-customer runs ended by a signal: from the (last) signal, how long until the worker started the workflow task
 * that took it, how long that task ran, and how long until the workflow closed (means over the histories).
 */
async function afterSignal(client: Client, workflowIds: readonly string[]) {
  let runs = 0;
  let toTaskStartMs = 0;
  let taskMs = 0;
  let toCloseMs = 0;
  for (const workflowId of workflowIds) {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const signalIndex = events.findLastIndex((e) => Number(e.eventType) === WORKFLOW_EXECUTION_SIGNALED);
    const closed = events.at(-1);
    if (signalIndex < 0 || Number(closed?.eventType) !== WORKFLOW_EXECUTION_COMPLETED) continue;
    const after = events.slice(signalIndex);
    const started = after.find((e) => Number(e.eventType) === WORKFLOW_TASK_STARTED);
    const completed = after.find((e) => Number(e.eventType) === WORKFLOW_TASK_COMPLETED);
    if (!started || !completed) continue;
    const signalled = msOf(events[signalIndex]!.eventTime);
    runs += 1;
    toTaskStartMs += msOf(started.eventTime) - signalled;
    taskMs += msOf(completed.eventTime) - msOf(started.eventTime);
    toCloseMs += msOf(closed!.eventTime) - signalled;
  }
  const per = (ms: number) => (runs > 0 ? ms / runs : NaN);
  return { runs, toTaskStartMs: per(toTaskStartMs), taskMs: per(taskMs), toCloseMs: per(toCloseMs) };
}

/** What Temporal recorded for these workflows (every run of each: a cohort may have continued as new). */
async function workOf(client: Client, workflowIds: readonly string[]): Promise<Work> {
  const work: Work = { events: 0, activities: 0, timers: 0, signals: 0, starts: 0, byActivity: new Map() };
  for (const workflowId of workflowIds) {
    let runId: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      const events = history.events ?? [];
      work.events += events.length;
      work.starts += 1;
      const scheduled = new Map<string, { type: string; at: number; startedAt?: number }>();
      for (const e of events) {
        const at = msOf(e.eventTime);
        const type = Number(e.eventType);
        if (type === ACTIVITY_TASK_SCHEDULED)
          scheduled.set(String(e.eventId), {
            type: e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?',
            at,
          });
        if (type === ACTIVITY_TASK_STARTED) {
          const s = scheduled.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId));
          if (s) s.startedAt = at;
        }
        if (type === ACTIVITY_TASK_COMPLETED) {
          const s = scheduled.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId));
          if (s?.startedAt !== undefined) {
            const row = work.byActivity.get(s.type) ?? { n: 0, waitMs: 0, runMs: 0 };
            row.n += 1;
            row.waitMs += s.startedAt - s.at;
            row.runMs += at - s.startedAt;
            work.byActivity.set(s.type, row);
          }
        }
        if (Number(e.eventType) === ACTIVITY_TASK_SCHEDULED) work.activities += 1;
        if (Number(e.eventType) === TIMER_STARTED) work.timers += 1;
        if (Number(e.eventType) === WORKFLOW_EXECUTION_SIGNALED) work.signals += 1;
      }
      // The first run's history says which run continued it; later runs are found from the latest backwards.
      const next = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (!next || seen.has(next)) break;
      seen.add(next);
      runId = next;
    }
  }
  return work;
}
const perCustomer = (w: Work, n: number) =>
  `${(w.events / n).toFixed(2)} history events, ${(w.activities / n).toFixed(3)} activities, ${(w.timers / n).toFixed(3)} timers, ${(w.starts / n).toFixed(4)} workflow starts, ${(w.signals / n).toFixed(3)} signals`;
const actions = (w: Work) => w.starts + w.activities + w.timers + w.signals;

const dataDir = await mkdtemp(path.join(tmpdir(), 'wakeflow-bench-cohort-'));
const t = await createTestDatabase();
const server = await startTemporalDevServer({
  port: 0,
  headless: true,
  dbFile: path.join(dataDir, 'temporal.db'),
});
const connection = await Connection.connect({ address: server.address });
const native = await NativeConnection.connect({ address: server.address });
try {
  const { db } = t;
  console.log(
    `bench-cohort: ${fmt(N)} customers into the canonical win-back through the audience sweep (pages of ${fmt(PAGE)}, cohorts of ${fmt(COHORT_SIZE)}), dev server (SQLite WAL), log provider; load: ${(
      await import('node:os')
    )
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1/5/15 min) on ${(await import('node:os')).cpus().length} cores`,
  );
  const loadStarted = performance.now();
  for (let i = 0; i < N + SINGLE; i += 5_000) {
    await upsertCustomers(
      db,
      WS,
      Array.from({ length: Math.min(5_000, N + SINGLE - i) }, (_, j) => ({
        externalId: `co-${i + j}`,
        email: `co-${i + j}@example.com`,
        phone: '+4915112345678',
        consent: { email: true, sms: true, push: true },
        tags: [i + j < N ? 'cohort-bench' : 'single-bench'],
      })),
    );
  }
  console.log(`customers loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
  for (const id of ['cohort-bench', 'single-bench'])
    await createSegment(db, WS, { id, name: id, definition: { kind: 'tag', tag: id, has: true } });
  // Rules that would hold the first touch back are off, and the providers' pace is the highest the settings allow
  // (the defaults, e.g. 10 SMS/s, would be the figure otherwise).
  await saveChannelSettings(db, WS, {
    quietHours: { enabled: false },
    frequencyCap: { enabled: false },
    rateLimits: { email: 10_000, sms: 10_000, push: 10_000 },
  });
  await db.insert(templates).values(
    canonicalWinBack.requires.templates.map((id) => ({
      workspaceId: WS,
      id,
      channel: id.endsWith('sms')
        ? ('sms' as const)
        : id.endsWith('push')
          ? ('push' as const)
          : ('email' as const),
      name: id,
      subject: 'We miss you',
      body: 'Hello {{ customer.firstName | default: "there" }}, your gift is waiting.',
    })),
  );
  const catalog = createCatalog();
  const publish = async (segmentId: string) => {
    const graph = structuredClone(canonicalWinBack.graph);
    graph.nodes[0]!.config = { segmentId, everyMinutes: 60 };
    const [journey] = await db
      .insert(journeys)
      .values({
        workspaceId: WS,
        name: segmentId,
        draftGraph: graph,
        draftSettings: canonicalWinBack.settings,
      })
      .returning({ id: journeys.id });
    await publishJourneyDraft(db, catalog, { workspaceId: WS, journeyId: journey!.id });
    return journey!.id;
  };
  const cohortJourney = await publish('cohort-bench');
  const singleJourney = await publish('single-bench');

  const client = new Client({ connection });
  // Cohorts from 100 customers on (the default); the per-customer comparison uses a starter that never makes one.
  const starter = createRunStarter({ db, client, cohorts: { threshold: 100, size: COHORT_SIZE } });
  const singleStarter = createRunStarter({ db, client, cohorts: { threshold: Infinity, size: 1 } });
  const router = createEventRouter({ db, client, starter });
  const services = createNodeServices({
    db,
    publicUrl: 'http://127.0.0.1:3999',
    logger: { info: () => undefined, warn: () => undefined },
  });
  const workerWith = async (runStarter: typeof starter) =>
    createJourneyWorker({
      connection: native,
      workspaceId: WS,
      db,
      catalog,
      services,
      workflowBundle: await bundleJourneyWorkflows(),
      extraActivities: createAudienceActivities({ db, runs: runStarter }),
      maxConcurrentActivityTaskExecutions: env('WORKER_MAX_ACTIVITIES', 100),
      maxConcurrentWorkflowTaskExecutions: env('WORKER_MAX_WORKFLOW_TASKS', 40),
      ...(process.env.WORKER_MAX_CACHED_WORKFLOWS
        ? { maxCachedWorkflows: env('WORKER_MAX_CACHED_WORKFLOWS', 0) }
        : {}),
    });
  /** Customers of a journey whose two first-touch messages are recorded and handed over (or skipped: holdout). */
  const firstTouched = async (journeyId: string) => {
    const rows = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from messages
      where journey_id = ${journeyId} and node_id in ('gift_email', 'gift_sms') and status <> 'pending'`);
    return (rows.rows[0]?.n ?? 0) / 2;
  };
  /**
   * The same from the node rollups the analytics triggers keep (sent messages only): a read of a few rows, where the
   * count above reads every message of the journey — at a million customers ~2 s a count, which polled every few
   * seconds loaded the database it measures.
   */
  const firstTouchedSent = async (journeyId: string) => {
    const rows = await db.execute<{ n: number }>(sql`
      select coalesce(sum(messages_sent), 0)::int as n from journey_node_daily_rollups
      where journey_id = ${journeyId} and node_id in ('gift_email', 'gift_sms')`);
    return (rows.rows[0]?.n ?? 0) / 2;
  };
  /**
   * Event → action: logins for customers waiting in the journey, routed at EVENT_RATE/s for EVENT_SECONDS (as many as
   * wait, if fewer), each timed from routing until its run's exit is recorded (observed every 25 ms).
   */
  const eventToAction = async (journeyId: string, label: string) => {
    const waiting = await db
      .select({ runId: runs.id, customerId: runs.customerId })
      .from(runs)
      .where(and(eq(runs.journeyId, journeyId), eq(runs.status, 'running')))
      .limit(EVENT_RATE * EVENT_SECONDS);
    // Watched by run id (the primary key) every 25 ms: a watcher that scanned the journey's runs would itself load
    // PostgreSQL in proportion to the journey's size.
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const watcher = (async () => {
      while (latencies.length < waiting.length) {
        const pending = [...sentAt.keys()];
        if (pending.length > 0) {
          const ended = await db
            .select({ runId: runs.id })
            .from(runs)
            .where(and(inArray(runs.id, pending), isNotNull(runs.endedAt)));
          const now = performance.now();
          for (const { runId } of ended) {
            const at = sentAt.get(runId);
            if (at === undefined) continue;
            latencies.push(now - at);
            sentAt.delete(runId);
          }
        }
        await sleep(25);
      }
    })();
    const perTick = Math.max(1, Math.round(EVENT_RATE / 10));
    const routeMs: number[] = [];
    const eventsBegan = performance.now();
    for (let i = 0; i < waiting.length; i += perTick) {
      const batch = waiting.slice(i, i + perTick);
      const events: RoutableEvent[] = batch.map(({ customerId }) => ({
        workspaceId: WS,
        customerId,
        eventId: `bench-login-${journeyId}-${customerId}`,
        name: 'login',
        properties: {},
        occurredAt: new Date(),
      }));
      const now = performance.now();
      for (const { runId } of batch) sentAt.set(runId, now);
      await router.route(events);
      routeMs.push(performance.now() - now);
      const nextTick = eventsBegan + ((i + perTick) / EVENT_RATE) * 1000;
      await sleep(Math.max(0, nextTick - performance.now()));
    }
    const offered = (waiting.length / ((performance.now() - eventsBegan) / 1000)).toFixed(0);
    await Promise.race([watcher, sleep(120_000)]);
    latencies.sort((a, b) => a - b);
    const q = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
    console.log(
      `event → action, ${label}: ${latencies.length} of ${waiting.length} logins at ${offered} events/s, p50 ${fmt(q(0.5))} ms, p99 ${fmt(q(0.99))} ms, max ${fmt(q(1))} ms (routing until the run's exit is recorded); routing ${perTick} events took ${fmt(routeMs.reduce((a, b) => a + b, 0) / Math.max(1, routeMs.length))} ms on average, ${fmt(Math.max(0, ...routeMs))} ms at most`,
    );
  };
  const sweep = (journeyId: string) =>
    client.workflow.execute('audienceSweep', {
      taskQueue: journeyTaskQueue(WS),
      workflowId: `audience-sweep-bench-${journeyId}`,
      args: [{ workspaceId: WS, journeyId, pageSize: PAGE }],
    }) as Promise<SweepProgress>;

  if (process.env.BENCH_ONLY === 'admission') {
    // Bulk admission alone: the sweep activity and the cohort starter, with no worker taking the cohorts it starts.
    let inStarter = 0;
    const began = performance.now();
    const progress = await runAudienceSweep(
      {
        db,
        runs: {
          startRun: (one) => starter.startRun(one),
          async startRuns(request) {
            const at = performance.now();
            const answers = await starter.startRuns(request);
            inStarter += performance.now() - at;
            return answers;
          },
        },
      },
      { workspaceId: WS, journeyId: cohortJourney, sweepKey: 'bench-admission', pageSize: PAGE },
    );
    const seconds = (performance.now() - began) / 1000;
    const [rows] = (
      await db.execute<{ n: number; cohorts: number }>(sql`
        select count(*)::int as n, count(distinct cohort_workflow_id)::int as cohorts from runs
        where journey_id = ${cohortJourney}`)
    ).rows;
    console.log(
      `admission: ${fmt(progress.started)} customers admitted, ${fmt(rows?.n ?? 0)} runs rows, ${fmt(rows?.cohorts ?? 0)} cohorts started in ${seconds.toFixed(1)} s = ${fmt(progress.started / seconds)} customers/s (inside the starter, summed over pages: ${(inStarter / 1000).toFixed(1)} s)`,
    );
  } else {
    const rssBefore = rssMiB();
    let peakRss = rssBefore;
    const worker = await workerWith(starter);
    await worker.runUntil(async () => {
      // 1. Bulk entry through cohorts, until every first touch is out.
      const began = performance.now();
      // The sweep runs while its first cohorts already send: both are watched until done or BENCH_FIRST_TOUCH_LIMIT_S.
      let progress: SweepProgress | undefined;
      let swept: number | undefined;
      const sweeping = sweep(cohortJourney).then((p) => {
        progress = p;
        swept = (performance.now() - began) / 1000;
        console.log(
          `sweep: ${fmt(p.started)} customers admitted, every runs row written and every cohort started ${swept.toFixed(1)} s after the sweep began`,
        );
      });
      sweeping.catch(() => undefined);
      // Progress from the rollups, which count sent messages only. The exact count (skipped messages too) when they
      // say done, when they did not move since the last poll (done but for skipped messages, or stalled), or once a
      // minute: waiting for the minute alone made a finish show up to a minute late.
      const pollMs = Math.min(1_000, Math.max(250, N / 200));
      let touched = 0;
      let lastSent = -1;
      let lastReport = performance.now();
      let lastExact = performance.now();
      const limitMs = FIRST_TOUCH_LIMIT_S * 1000;
      while (!(progress && touched >= progress.started) && performance.now() - began < limitMs) {
        await sleep(pollMs);
        peakRss = Math.max(peakRss, rssMiB());
        const sent = await firstTouchedSent(cohortJourney);
        touched = sent;
        if (
          (progress && sent >= progress.started) ||
          sent === lastSent ||
          performance.now() - lastExact >= 60_000
        ) {
          lastExact = performance.now();
          touched = await firstTouched(cohortJourney);
        }
        lastSent = sent;
        if (performance.now() - lastReport >= 30_000) {
          lastReport = performance.now();
          const elapsed = (lastReport - began) / 1000;
          const [admitted] = (
            await db.execute<{ started: number }>(sql`
              select started from audience_sweeps where journey_id = ${cohortJourney}`)
          ).rows;
          console.log(
            `  … ${elapsed.toFixed(0)} s: ${fmt(admitted?.started ?? 0)} admitted, ${fmt(touched)} first touches (${fmt(touched / elapsed)} customers/s), worker RSS ${fmt(rssMiB())} MiB, load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
          );
        }
      }
      const seconds = (performance.now() - began) / 1000;
      if (!progress || touched < progress.started) {
        const [admitted] = (
          await db.execute<{ started: number }>(sql`
            select started from audience_sweeps where journey_id = ${cohortJourney}`)
        ).rows;
        console.log(
          `cohorts: NOT DONE after ${seconds.toFixed(0)} s (BENCH_FIRST_TOUCH_LIMIT_S): ${fmt(admitted?.started ?? 0)} of ${fmt(N)} customers admitted${swept === undefined ? ' (sweep still running)' : ` (sweep done in ${swept.toFixed(1)} s)`}, ${fmt(touched)} first touches = ${fmt(touched / seconds)} customers/s; worker RSS ${fmt(peakRss)} MiB at most`,
        );
        const sample = (
          await db.execute<{ id: string }>(sql`
            select distinct cohort_workflow_id as id from runs
            where journey_id = ${cohortJourney} and cohort_workflow_id is not null limit ${WORK_SAMPLE}`)
        ).rows.map((r) => r.id);
        const work = await workOf(client, sample);
        for (const [type, a] of work.byActivity)
          console.log(
            `  ${type}: ${a.n} activities in ${sample.length} cohorts; mean ${fmt(a.waitMs / a.n)} ms scheduled → started, ${fmt(a.runMs / a.n)} ms started → completed`,
          );
        // The sweep activity would keep the worker from shutting down: this process ends here, after cleaning up.
        await t.drop();
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
        process.exit(0);
      }
      console.log(
        `cohorts: ${fmt(progress.started)} customers entered; every first touch recorded and handed to the provider ${seconds.toFixed(1)} s after the sweep began = ${fmt(progress.started / seconds)} customers/s`,
      );
      peakRss = Math.max(peakRss, rssMiB());
      const cohortIds = (
        await db
          .selectDistinct({ id: runs.cohortWorkflowId })
          .from(runs)
          .where(and(eq(runs.journeyId, cohortJourney), isNotNull(runs.cohortWorkflowId)))
      ).flatMap((r) => (r.id ? [r.id] : []));
      // Every member is now in the 7-day wait (its timer started): the work so far is the first touch's.
      await sleep(2_000);
      // A sample of the cohorts (every history of a million customers would be gigabytes to fetch).
      const sample = cohortIds.slice(0, WORK_SAMPLE);
      const [sampled] = (
        await db.execute<{ n: number }>(sql`
          select count(*)::int as n from runs where cohort_workflow_id = any(${sql.param(sample)}::text[])`)
      ).rows;
      const members = sampled?.n ?? 0;
      const cohortWork = await workOf(client, sample);
      console.log(
        `cohort work per customer to the wait (${sample.length} of ${cohortIds.length} cohorts, ${fmt(members)} members): ${perCustomer(cohortWork, members)}; Temporal actions (starts + activities + timers + signals) ${(actions(cohortWork) / members).toFixed(4)}`,
      );
      for (const [type, a] of cohortWork.byActivity)
        console.log(
          `  ${type}: ${a.n} activities, ${(a.n / sample.length).toFixed(1)} per cohort; mean ${fmt(a.waitMs / a.n)} ms scheduled → started, ${fmt(a.runMs / a.n)} ms started → completed`,
        );
      console.log(
        `worker memory: RSS ${fmt(rssBefore)} MiB before the worker, ${fmt(peakRss)} MiB at most, ${fmt(rssMiB())} MiB with ${fmt(progress.started)} customers waiting in ${cohortIds.length} cohorts`,
      );

      // 2. Event → action for customers inside a cohort: logins at EVENT_RATE/s, each until its run ended.
      await eventToAction(cohortJourney, 'inside cohorts');

      // 3. The per-customer path to the same point, for the comparison of Temporal work.
      const singleIds = await db.execute<{ id: string }>(sql`
      select id from customers where workspace_id = ${WS} and 'single-bench' = any(tags)`);
      const singleResults = await singleStarter.startRuns({
        workspaceId: WS,
        journeyId: singleJourney,
        entries: singleIds.rows.map((r) => ({ customerId: r.id })),
      });
      const singleStarted = singleResults.filter((r) => r.started).length;
      while ((await firstTouched(singleJourney)) < singleStarted) await sleep(250);
      await sleep(2_000);
      const singles = (
        await db
          .select({ id: runs.workflowId })
          .from(runs)
          .where(and(eq(runs.journeyId, singleJourney), isNull(runs.cohortWorkflowId)))
      ).map((r) => r.id);
      const singleWork = await workOf(client, singles);
      console.log(
        `per-customer work per customer to the wait (${singles.length} journeyRuns): ${perCustomer(singleWork, singles.length)}; Temporal actions ${(actions(singleWork) / singles.length).toFixed(2)}`,
      );
      // 4. Event → action for per-customer runs, at the same rate, and where a sample's time went in Temporal.
      await eventToAction(singleJourney, 'per-customer runs');
      const timing = await afterSignal(client, singles.slice(0, WORK_SAMPLE * 5));
      console.log(
        `  per-customer runs after the login's signal (${timing.runs} histories, means): ${fmt(timing.toTaskStartMs)} ms until the worker started the workflow task, ${fmt(timing.taskMs)} ms that task (the finish's write runs in it as a local activity), ${fmt(timing.toCloseMs)} ms until the workflow closed`,
      );
      console.log(
        `cohort / per-customer: ${((actions(cohortWork) / members / (actions(singleWork) / singles.length)) * 100).toFixed(2)} % of the actions, ${((cohortWork.events / members / (singleWork.events / singles.length)) * 100).toFixed(2)} % of the history events`,
      );
    });
  }
} finally {
  await native.close();
  await connection.close();
  await server.stop();
  await t.drop();
  await rm(dataDir, { recursive: true, force: true });
}
// Everything is closed, but the worker's runtime can keep the process alive: end it (as the admission path does).
process.exit(0);
