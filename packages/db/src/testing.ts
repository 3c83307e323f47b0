/**
 * A fresh, migrated database per test file on the running PostgreSQL, dropped afterwards. The server comes from
 * WAKEFLOW_TEST_DATABASE_URL (set by the test global setup) or DATABASE_URL. Migrations run as the server's user,
 * the owner; `db` works as the app role, like the API and worker, so every test also tests the app's grants.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { asAppRole } from './app-role';
import { connect, type DatabaseHandle } from './client';
import { migrate } from './migrate';
import { workspaces } from './schema/index';

export const TEST_WORKSPACE_ID = 'test';

export interface TestDatabase extends DatabaseHandle {
  /** The owner's URL (what DATABASE_URL is in production: a process started with it migrates, then works as the app). */
  url: string;
  /** The URL `db` and `pool` connect with: the app role, unless `as: 'owner'` was asked for. */
  appUrl: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  return (
    process.env.WAKEFLOW_TEST_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestDatabase(
  options: {
    workspaceIds?: string[];
    /** 'owner' only for what the app never does, e.g. a benchmark's VACUUM. */
    as?: 'app' | 'owner';
  } = {},
): Promise<TestDatabase> {
  const admin = withDatabase(serverUrl(), 'postgres');
  const name = `wakeflow_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = withDatabase(serverUrl(), name);
  await migrate(url);
  const appUrl = options.as === 'owner' ? url : asAppRole(url);
  const handle = connect(appUrl);
  const ids = options.workspaceIds ?? [TEST_WORKSPACE_ID];
  await handle.db
    .insert(workspaces)
    .values(ids.map((id) => ({ id, name: id })))
    .onConflictDoNothing();
  return {
    ...handle,
    url,
    appUrl,
    async drop() {
      await handle.close();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
