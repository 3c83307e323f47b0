/**
 * The database role the application works as. Migrations run as the owner of the tables (DATABASE_URL); the API,
 * the worker and the demo loader then connect as `wakeflow_app`, which migration 0014 creates with exactly the
 * privileges the app needs. The owner of a table can switch its triggers off, so audit_log's append-only trigger
 * only holds against a role that owns nothing — see docs/security.md, "Database role".
 */
import { connect, type ConnectOptions, type DatabaseHandle } from './client';

export const APP_ROLE = 'wakeflow_app';

/**
 * `url` with its user replaced by the app role. A password in `url` is kept: trust and peer authentication ignore
 * it, and the project-run PostgreSQL gives the app role the same development password (devstack). Elsewhere the
 * app role has its own password and WAKEFLOW_APP_DATABASE_URL says so.
 */
export function asAppRole(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      'DATABASE_URL is not a URL, so the app role cannot be put in it: set WAKEFLOW_APP_DATABASE_URL',
    );
  }
  // node-postgres takes a `user` query parameter over the URL's user; a URL without a host (a Unix socket given as
  // ?host=…) cannot carry a user at all, and setting one would be silently ignored.
  if (parsed.hostname === '' || parsed.searchParams.has('user')) parsed.searchParams.set('user', APP_ROLE);
  else parsed.username = APP_ROLE;
  return parsed.toString();
}

/** Where the app connects: WAKEFLOW_APP_DATABASE_URL when set, else the owner's URL with the user swapped. */
export function appDatabaseUrl(ownerUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.WAKEFLOW_APP_DATABASE_URL?.trim();
  return explicit ? explicit : asAppRole(ownerUrl);
}

/**
 * Connects as the app role and checks the connection once, so a missing password fails at start with the
 * variable to set rather than at the first request.
 */
export async function connectAsApp(
  ownerUrl: string,
  options: ConnectOptions & { env?: NodeJS.ProcessEnv } = {},
): Promise<DatabaseHandle> {
  const { env, ...connectOptions } = options;
  const handle = connect(appDatabaseUrl(ownerUrl, env), connectOptions);
  try {
    await handle.pool.query('select 1');
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw new Error(
      `cannot connect to PostgreSQL as the app role: ${(error as Error).message}. ` +
        'Set WAKEFLOW_APP_DATABASE_URL (docs/configuration.md, "Database role").',
      { cause: error },
    );
  }
  return handle;
}
