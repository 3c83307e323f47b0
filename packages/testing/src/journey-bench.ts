/**
 * A journey test bench on real parts: a fresh PostgreSQL database, Temporal's time-skipping test server, and a
 * worker wired exactly like production (catalog, message sender, condition evaluator).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { and, asc, eq } from 'drizzle-orm';
import {
  journeyGraphSchema,
  RUN_STATE_QUERY,
  type JourneyGraphInput,
  type JourneySettingsInput,
  type RunState,
} from '@wakeflow/journey';
import { customers, journeys, messages, publishJourneyDraft, runSteps, runs } from '@wakeflow/db';
import { createTestDatabase, TEST_WORKSPACE_ID, type TestDatabase } from '@wakeflow/db/testing';
import {
  createCatalog,
  createEventPipeline,
  createNodeServices,
  createOutboxDrainer,
  type OutboxDrainer,
} from '@wakeflow/catalog';
import { saveChannelSettings } from '@wakeflow/channels';
import { createAudienceActivities, upsertCustomers } from '@wakeflow/audience';
import type { NodeCatalog } from '@wakeflow/nodes';
import {
  bundleJourneyWorkflows,
  createEventRouter,
  createJourneyWorker,
  createRunStarter,
  type EventRouter,
  type JourneyRunStarter,
} from '@wakeflow/temporal';
import { eventually } from './eventually';

let runtimeInstalled = false;
/** Worker state changes at INFO drown test output; warnings and errors still show. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger(process.env.WAKEFLOW_TEST_WORKER_LOG === 'debug' ? 'DEBUG' : 'WARN'),
    });
  } catch {
    // Already installed by another bench in this process.
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling takes seconds: once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleJourneyWorkflows();
  return bundle;
}

export function testServerExecutable() {
  const path = process.env.WAKEFLOW_TEMPORAL_TEST_SERVER;
  return path ? ({ type: 'existing-path', path } as const) : undefined;
}

export function devServerExecutable() {
  const path = process.env.WAKEFLOW_TEMPORAL_CLI;
  return path ? ({ type: 'existing-path', path } as const) : undefined;
}

export interface JourneyBench {
  database: TestDatabase;
  env: TestWorkflowEnvironment;
  catalog: NodeCatalog;
  starter: JourneyRunStarter;
  router: EventRouter;
  /** Drains the event outbox: kicked after every ingest; `event()` waits for it with `drainAll()`. */
  outbox: OutboxDrainer;
  /**
   * A worker like production's, caching up to `maxCachedWorkflows` runs (1,000 unless given); with `catalog`, one
   * whose node kinds differ from the bench's (what a deploy of a new node version looks like to published plans).
   */
  newWorker(options?: { maxCachedWorkflows?: number; catalog?: NodeCatalog }): Promise<Worker>;
  /**
   * Runs a fresh worker until `fn` settles (a worker cannot run again after runUntil shuts it down). On the
   * time-skipping server `fn` gets 90 s: a run that hangs there fails its own test and the worker still shuts down,
   * where a test timeout would leave it registered on the task queue and fail every later test of the file.
   */
  withWorker<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Once the run waits (`sleep`: on a timer, `event`: for an event) with nothing in flight: no workflow task, no
   * activity. Tests that move the time-skipping clock or stop the worker wait for this: skipping time while a
   * bookkeeping task is in flight times it out, and a worker stopped then leaves the server unable to skip time.
   */
  settled(workflowId: string, kind: 'sleep' | 'event'): Promise<RunState>;
  /**
   * Turns off quiet hours and the frequency cap, for tests about a journey's path rather than the sending rules
   * (the virtual clock starts at the real time of day, so quiet hours would make such tests depend on it).
   */
  relaxSendingRules(): Promise<void>;
  publish(
    graph: JourneyGraphInput,
    settings?: JourneySettingsInput,
    journeyId?: string,
  ): Promise<{ journeyId: string; version: number }>;
  customer(
    externalId: string,
    extra?: Partial<Parameters<typeof upsertCustomers>[2][number]>,
  ): Promise<string>;
  /** Ingests an event at the current (virtual) time and drains the outbox, so it has reached waiting runs. */
  event(customerExternalId: string, name: string, properties?: Record<string, unknown>): Promise<void>;
  now(): Promise<Date>;
  runOf(workflowId: string): Promise<typeof runs.$inferSelect | undefined>;
  stepsOf(runId: string): Promise<{ nodeId: string; enteredAt: Date; outcome: string | null }[]>;
  messagesOf(customerId: string): Promise<
    {
      channel: string;
      templateId: string | null;
      status: string;
      requestedAt: Date | null;
      nodeId: string | null;
    }[]
  >;
  close(): Promise<void>;
}

let eventSeq = 0;

export async function createJourneyBench(options: { timeSkipping?: boolean } = {}): Promise<JourneyBench> {
  quietRuntime();
  const database = await createTestDatabase();
  const { db } = database;
  const executable = options.timeSkipping === false ? devServerExecutable() : testServerExecutable();
  const env =
    options.timeSkipping === false
      ? await TestWorkflowEnvironment.createLocal({
          server: { ...(executable ? { executable } : {}), ui: false },
        })
      : await TestWorkflowEnvironment.createTimeSkipping({ server: executable ? { executable } : {} });
  const catalog = createCatalog();
  const starter = createRunStarter({ db, client: env.client });
  const router = createEventRouter({ db, client: env.client, starter });
  const outbox = createOutboxDrainer({ db, router, backoffMs: () => 50 });
  const pipeline = createEventPipeline({ db, onStored: () => outbox.kick() });
  const services = createNodeServices({
    db,
    events: pipeline.recorder,
    publicUrl: 'http://127.0.0.1:3999',
    logger: { info: () => undefined, warn: () => undefined },
  });
  const workflowBundle_ = await workflowBundle();
  const newWorker = (workerOptions: { maxCachedWorkflows?: number; catalog?: NodeCatalog } = {}) =>
    createJourneyWorker({
      connection: env.nativeConnection,
      workspaceId: TEST_WORKSPACE_ID,
      db,
      catalog: workerOptions.catalog ?? catalog,
      services,
      workflowBundle: workflowBundle_,
      extraActivities: createAudienceActivities({ db, runs: starter }),
      // A workflow cache as in production, on both servers: without one the SDK drops a run's local activities (its
      // folded bookkeeping) at every eviction and retries them after the workflow task times out, 10 s of real time
      // each, and on the time-skipping server such a retry could race skipped time and never finish (a CI hang). The
      // sticky queue's timeout counts in skipped time there, so it is long enough never to fire during a test.
      maxCachedWorkflows: workerOptions.maxCachedWorkflows ?? 1_000,
      stickyQueueScheduleToStartTimeout: '3650 days',
    });

  return {
    database,
    env,
    catalog,
    starter,
    router,
    outbox,
    newWorker,
    async withWorker(fn) {
      const worker = await newWorker();
      if (options.timeSkipping === false) return worker.runUntil(fn);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('withWorker: the runs did not settle within 90 s')),
          90_000,
        );
      });
      try {
        return await worker.runUntil(Promise.race([fn(), deadline]));
      } finally {
        clearTimeout(timer);
      }
    },
    settled(workflowId, kind) {
      const handle = env.client.workflow.getHandle(workflowId);
      return eventually(
        async () => {
          const state = await handle.query<RunState>(RUN_STATE_QUERY).catch(() => undefined);
          if (state?.waitingFor?.kind !== kind) return undefined;
          const { raw } = await handle.describe();
          const idle = !raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0;
          return idle ? state : undefined;
        },
        { what: `run ${workflowId} waiting (${kind}) with nothing in flight` },
      );
    },
    async relaxSendingRules() {
      await saveChannelSettings(db, TEST_WORKSPACE_ID, {
        quietHours: { enabled: false },
        frequencyCap: { enabled: false },
      });
    },
    async publish(graph, settings = {}, journeyId) {
      const parsed = journeyGraphSchema.parse(graph) as unknown as Record<string, unknown>;
      let id = journeyId;
      if (id === undefined) {
        const [row] = await db
          .insert(journeys)
          .values({
            workspaceId: TEST_WORKSPACE_ID,
            name: 'test journey',
            draftGraph: parsed,
            draftSettings: settings as Record<string, unknown>,
          })
          .returning({ id: journeys.id });
        id = row!.id;
      } else {
        await db
          .update(journeys)
          .set({ draftGraph: parsed, draftSettings: settings })
          .where(eq(journeys.id, id));
      }
      const published = await publishJourneyDraft(db, catalog, {
        workspaceId: TEST_WORKSPACE_ID,
        journeyId: id,
      });
      return { journeyId: id, version: published!.version };
    },
    async customer(externalId, extra = {}) {
      await upsertCustomers(db, TEST_WORKSPACE_ID, [
        {
          externalId,
          email: `${externalId}@example.com`,
          phone: '+4915112345678',
          pushToken: `push-${externalId}`,
          consent: { email: true, sms: true, push: true },
          ...extra,
        },
      ]);
      const [row] = await db
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.workspaceId, TEST_WORKSPACE_ID), eq(customers.externalId, externalId)));
      return row!.id;
    },
    async event(customerExternalId, name, properties = {}) {
      eventSeq += 1;
      const now = new Date(await env.currentTimeMs());
      await pipeline.ingest(TEST_WORKSPACE_ID, [
        {
          eventId: `test-${eventSeq}-${customerExternalId}-${name}`,
          customerExternalId,
          name,
          properties,
          occurredAt: now.toISOString(),
        },
      ]);
      await outbox.drainAll();
    },
    now: async () => new Date(await env.currentTimeMs()),
    async runOf(workflowId) {
      const [row] = await db.select().from(runs).where(eq(runs.workflowId, workflowId));
      return row;
    },
    async stepsOf(runId) {
      return db
        .select({ nodeId: runSteps.nodeId, enteredAt: runSteps.enteredAt, outcome: runSteps.outcome })
        .from(runSteps)
        .where(eq(runSteps.runId, runId))
        .orderBy(asc(runSteps.seq));
    },
    async messagesOf(customerId) {
      return db
        .select({
          channel: messages.channel,
          templateId: messages.templateId,
          status: messages.status,
          requestedAt: messages.requestedAt,
          nodeId: messages.nodeId,
        })
        .from(messages)
        .where(eq(messages.customerId, customerId))
        .orderBy(asc(messages.requestedAt), asc(messages.channel));
    },
    async close() {
      await outbox.idle();
      await env.teardown();
      await database.drop();
    },
  };
}
