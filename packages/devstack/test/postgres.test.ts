import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ensurePostgres, startEmbeddedPostgres } from '../src/postgres.js';

// Starts a real cluster (as root it runs as the unprivileged "postgres" user) in a throwaway folder.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'devstack-pg-'));
  // mkdtemp makes the folder 0700; the postgres user must be able to enter it.
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded postgres', () => {
  it(
    'starts on a random port, answers, keeps data across restarts, and stops',
    { timeout: 120_000 },
    async () => {
      const options = {
        dataDir: path.join(dir, 'pg'),
        port: 0,
        logFile: path.join(dir, 'pg.log'),
        unsafeFast: true,
        env: {},
        appRole: 'devstack_app',
      };
      const asApp = (url: string) => url.replace('//postgres:', '//devstack_app:');
      const first = await startEmbeddedPostgres(options);
      try {
        expect(first.owned).toBe(true);
        expect(first.url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/wakeflow$/);
        expect(await query<{ x: number }>(first.url, 'select 1 as x')).toEqual([{ x: 1 }]);
        // The app role logs in with the development password, only the user swapped.
        expect(await query(asApp(first.url), 'select current_user as u')).toEqual([{ u: 'devstack_app' }]);
        await query(first.url, 'create table kept (id int); insert into kept values (42)');
      } finally {
        await first.stop();
      }
      await expect(query(first.url, 'select 1')).rejects.toThrow();

      const second = await startEmbeddedPostgres(options);
      try {
        expect(await query<{ id: number }>(second.url, 'select id from kept')).toEqual([{ id: 42 }]);

        // A second caller while it runs reuses the server instead of failing on the lock or the port, and gives
        // the app role its password back (e.g. a role its migrations created without one).
        await query(second.url, 'alter role devstack_app password null');
        const again = await startEmbeddedPostgres({ ...options, port: second.port });
        expect(await query(asApp(again.url), 'select current_user as u')).toEqual([{ u: 'devstack_app' }]);
        expect(again.owned).toBe(false);
        expect(again.url).toBe(second.url);
        await again.stop();
        expect(await query<{ x: number }>(second.url, 'select 1 as x')).toEqual([{ x: 1 }]);

        const testDb = await createTestDatabase(second.url);
        expect(testDb.url).toContain(`/${testDb.name}`);
        expect(await query<{ db: string }>(testDb.url, 'select current_database() as db')).toEqual([
          { db: testDb.name },
        ]);
        // Drop must succeed even with a session still open.
        const open = new pg.Client({ connectionString: testDb.url });
        open.on('error', () => undefined);
        await open.connect();
        await testDb.drop();
        await testDb.drop();
        await open.end().catch(() => undefined);
        const left = await query(second.url, `select 1 from pg_database where datname = '${testDb.name}'`);
        expect(left).toEqual([]);
      } finally {
        await second.stop();
      }
    },
  );

  it('ensurePostgres uses DATABASE_URL as is when set', async () => {
    const url = 'postgres://nobody@127.0.0.1:1/nothing';
    const handle = await ensurePostgres({ env: { DATABASE_URL: url } });
    expect(handle.url).toBe(url);
    expect(handle.owned).toBe(false);
    await handle.stop();
  });
});
