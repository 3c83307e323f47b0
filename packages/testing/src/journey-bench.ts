/**
 * A journey test bench on real parts: a fresh PostgreSQL database, Temporal's time-skipping test server, and a
 * worker wired exactly like production (catalog, message sender, condition evaluator).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { and, asc, eq } from 'drizzle-orm';
import { journeyGraphSchema, type JourneyGraphInput, type JourneySettingsInput } from '@wakeflow/journey';
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
  /** A worker like production's; `maxCachedWorkflows` defaults to 0 on the time-skipping server, 1,000 on the dev server. */
  newWorker(options?: { maxCachedWorkflows?: number }): Promise<Worker>;
  /** Runs a fresh worker until `fn` settles (a worker cannot run again after runUntil shuts it down). */
  withWorker<T>(fn: () => Promise<T>): Promise<T>;
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
  const newWorker = (workerOptions: { maxCachedWorkflows?: number } = {}) =>
    createJourneyWorker({
      connection: env.nativeConnection,
      workspaceId: TEST_WORKSPACE_ID,
      db,
      catalog,
      services,
      workflowBundle: workflowBundle_,
      extraActivities: createAudienceActivities({ db, runs: starter }),
      // No sticky cache on Temporal's time-skipping test server: it can time out a sticky workflow task while it
      // skips time (seen here as runs stuck after a signal), and replaying each task also exercises determinism. The
      // dev server caches like production: without a cache the SDK drops a run's local activities (its folded
      // bookkeeping) at every eviction and retries them after the workflow task times out, ~10 s a run.
      maxCachedWorkflows: workerOptions.maxCachedWorkflows ?? (options.timeSkipping === false ? 1_000 : 0),
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
      return worker.runUntil(fn);
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
