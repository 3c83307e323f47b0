/**
 * Global setup for the integration and browser tests: finds (or starts) PostgreSQL and finds the Temporal binaries
 * once, and hands them to every test file through environment variables.
 */
import { APP_ROLE } from '@wakeflow/db';
import {
  ensurePostgres,
  findTemporalCli,
  canQuery,
  findTemporalTestServer,
  type PostgresHandle,
} from '@wakeflow/devstack';

export default async function setup(): Promise<() => Promise<void>> {
  let embedded: PostgresHandle | undefined;
  let url = process.env.WAKEFLOW_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    const local = 'postgres://postgres@127.0.0.1:5432/postgres';
    if (await canQuery(local)) {
      url = local;
    } else {
      // No server configured or running: start the project's own (kept under .data/postgres).
      // Test databases' `db` logs in as the app role, which this cluster asks a password of.
      embedded = await ensurePostgres({ env: {}, appRole: APP_ROLE });
      url = embedded.url;
    }
  }
  process.env.WAKEFLOW_TEST_DATABASE_URL = url;
  process.env.WAKEFLOW_TEMPORAL_CLI ??= await findTemporalCli();
  const testServer = await findTemporalTestServer();
  if (testServer) process.env.WAKEFLOW_TEMPORAL_TEST_SERVER ??= testServer;
  return async () => {
    await embedded?.stop();
  };
}
