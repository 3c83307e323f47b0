/**
 * Every API and worker process migrates at start (apps/api, apps/worker main.ts), so several processes starting
 * together on a fresh database migrate at the same moment. They take turns under an advisory lock: each migration
 * runs once and every process starts. Without the lock two would create the same tables and one would fail.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrationsFolder } from '../src/index';

const server =
  process.env.WAKEFLOW_TEST_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const at = (database: string) => {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
};

describe('migrations from processes starting together', () => {
  const name = `wakeflow_test_migrate_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: at('postgres') });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: at('postgres') });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it('apply each migration once while four processes migrate a fresh database at the same time', async () => {
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => migrate(at(name))));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const journal = JSON.parse(
      readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
    ) as {
      entries: unknown[];
    };
    const client = new pg.Client({ connectionString: at(name) });
    await client.connect();
    try {
      const applied = await client.query<{ n: string }>(
        'select count(*) as n from drizzle.__drizzle_migrations',
      );
      expect(Number(applied.rows[0]!.n)).toBe(journal.entries.length);
    } finally {
      await client.end();
    }
  }, 120_000);
});
