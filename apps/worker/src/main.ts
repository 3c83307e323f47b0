/**
 * The worker process: one Temporal worker per workspace task queue, running the journey interpreter and the
 * activities of every node kind in the catalog.
 */
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { connectAsApp, migrate, workspaces } from '@wakeflow/db';
import { createAudienceActivities, reconcileAudienceSchedules } from '@wakeflow/audience';
import {
  createAnalyticsActivities,
  createCatalog,
  createEventPipeline,
  createNodeServices,
  createOutboxDrainer,
  ensureWorkspaceSchedules,
} from '@wakeflow/catalog';
import {
  connectTemporalClient,
  createEventRouter,
  createJourneyWorker,
  createRunStarter,
  temporalConfigFromEnv,
} from '@wakeflow/temporal';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  logger.error('DATABASE_URL is not set');
  process.exit(2);
}
// Migrations as the owner of the tables, everything else as the app role, which cannot rewrite the audit log.
await migrate(databaseUrl);
const { db } = await connectAsApp(databaseUrl, { max: Number(process.env.DATABASE_POOL_SIZE ?? 20) });
const temporal = temporalConfigFromEnv();
const connection = await NativeConnection.connect({
  address: temporal.address,
  ...(temporal.tls ? { tls: true } : {}),
  ...(temporal.apiKey ? { apiKey: temporal.apiKey } : {}),
});

// Every workspace gets its own task queue; WAKEFLOW_WORKSPACES narrows which ones this process serves.
const only = process.env.WAKEFLOW_WORKSPACES?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const workspaceIds = only ?? (await db.select({ id: workspaces.id }).from(workspaces)).map((w) => w.id);
if (workspaceIds.length === 0) workspaceIds.push(process.env.WAKEFLOW_WORKSPACE ?? 'default');

// The worker is also a Temporal client: audience sweeps start runs, engagement events signal them.
const { client } = await connectTemporalClient(temporal);
const starter = createRunStarter({ db, client });
// Stored events' follow-up work (coupons, conversions, routing) is drained here, for the served workspaces; several
// worker processes may drain at once (rows are locked with SKIP LOCKED). The API also kicks a pass after ingest.
const outbox = createOutboxDrainer({
  db,
  router: createEventRouter({ db, client, starter }),
  workspaceIds,
  logger: { warn: (fields, message) => logger.warn(fields, message) },
});
const pipeline = createEventPipeline({ db, onStored: () => outbox.kick() });
const audienceActivities = createAudienceActivities({ db, runs: starter });

const catalog = createCatalog();
const services = createNodeServices({
  db,
  events: pipeline.recorder,
  publicUrl: process.env.WAKEFLOW_PUBLIC_URL ?? `http://127.0.0.1:${process.env.API_PORT ?? 3000}`,
  logger: { info: (m, f) => logger.info(f ?? {}, m), warn: (m, f) => logger.warn(f ?? {}, m) },
});
const workers = await Promise.all(
  workspaceIds.map((workspaceId) =>
    createJourneyWorker({
      connection,
      namespace: temporal.namespace,
      workspaceId,
      db,
      catalog,
      services,
      extraActivities: { ...audienceActivities, ...createAnalyticsActivities(db, client) },
      maxConcurrentActivityTaskExecutions: Number(process.env.WORKER_MAX_ACTIVITIES ?? 100),
      maxConcurrentWorkflowTaskExecutions: Number(process.env.WORKER_MAX_WORKFLOW_TASKS ?? 40),
      // Unset: the SDK's default, sized from the heap for ~1.7 MiB a run (about 2,300 at Node's 4 GiB). A cached
      // journeyRun takes ~200 KiB, a 1,000-member cohort a few MiB: size it to the runs that wait at once (docs/deploy.md).
      ...(process.env.WORKER_MAX_CACHED_WORKFLOWS
        ? { maxCachedWorkflows: Number(process.env.WORKER_MAX_CACHED_WORKFLOWS) }
        : {}),
    }),
  ),
);
// Recurring jobs of each workspace (maintenance, experiments, churn model): idempotent, so every start may do it.
for (const workspaceId of workspaceIds) await ensureWorkspaceSchedules(client, workspaceId);
// Audience sweeps a publish could not schedule (Temporal was down) are repaired now, then every 10 minutes.
for (const workspaceId of workspaceIds) {
  try {
    const done = await reconcileAudienceSchedules(client, db, workspaceId);
    logger.info({ workspaceId, ...done }, 'audience schedules reconciled');
  } catch (error) {
    logger.warn(
      { err: error, workspaceId },
      'audience schedules not reconciled at start; the periodic job retries',
    );
  }
}
logger.info({ workspaces: workspaceIds, catalog: catalog.list().map((k) => k.type) }, 'worker started');
const stopDraining = new AbortController();
const draining = outbox.run({
  signal: stopDraining.signal,
  pollMs: Number(process.env.WAKEFLOW_OUTBOX_POLL_MS ?? 1_000),
});
try {
  await Promise.all(workers.map((w) => w.run()));
} finally {
  stopDraining.abort();
  await draining;
}
