/** The API process: wires PostgreSQL, Temporal and the node catalog into the HTTP app. */
import pino from 'pino';
import { fileURLToPath } from 'node:url';
import { connectAsApp, migrate } from '@wakeflow/db';
import { createCatalog } from '@wakeflow/catalog';
import { eventMaxFutureSkewFromEnv, setEventMaxFutureSkew } from '@wakeflow/journey';
import { createEventRouter, createRunStarter, temporalConfigFromEnv } from '@wakeflow/temporal';
import { createApp } from './app';
import { temporalJourneyScheduler } from './journeys/schedules';
import { ensureAdminAccount } from './http/admin-account';
import { checkAuthStartup, type AuthStartup } from './http/auth-config';
import { logRedaction } from './http/logging';
import { ensureWorkspace } from './workspaces';
import { connectApiTemporalClient } from './temporal-client';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', redact: logRedaction });
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  logger.error('DATABASE_URL is not set');
  process.exit(2);
}
const port = Number(process.env.API_PORT ?? process.env.PORT ?? 3000);
const host = process.env.API_HOST ?? '127.0.0.1';
const defaultWorkspaceId = process.env.WAKEFLOW_WORKSPACE ?? 'default';
let authStartup: AuthStartup;
try {
  authStartup = checkAuthStartup(process.env, host);
} catch (error) {
  logger.error((error as Error).message);
  process.exit(2);
}
try {
  setEventMaxFutureSkew(eventMaxFutureSkewFromEnv(process.env));
} catch (error) {
  logger.error((error as Error).message);
  process.exit(2);
}

// Migrations as the owner of the tables, everything else as the app role, which cannot rewrite the audit log.
await migrate(databaseUrl);
// A request waits at most this long for a database connection, then answers 503 database_unavailable.
const { db } = await connectAsApp(databaseUrl, {
  max: Number(process.env.DATABASE_POOL_SIZE ?? 20),
  connectionTimeoutMillis: 3_000,
});
await ensureWorkspace(db, defaultWorkspaceId);
await ensureAdminAccount(db, defaultWorkspaceId, authStartup.admin);
const { client } = await connectApiTemporalClient(temporalConfigFromEnv());
const starter = createRunStarter({ db, client });
const app = createApp({
  db,
  catalog: createCatalog(),
  temporal: client,
  starter,
  events: createEventRouter({ db, client, starter }),
  logger,
  defaultWorkspaceId,
  schedules: temporalJourneyScheduler(client),
  auth: { mode: authStartup.mode },
  webDist: process.env.WAKEFLOW_WEB_DIST ?? fileURLToPath(new URL('../../web/dist', import.meta.url)),
});
app.listen(port, host, () => logger.info({ url: `http://${host}:${port}` }, 'api listening'));
