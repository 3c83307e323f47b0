/**
 * The app's database role against PostgreSQL: what the API and worker connect as cannot change the audit log by any
 * route — no UPDATE/DELETE/TRUNCATE privilege, no switching the trigger off as owner, no skipping it as superuser.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROLE, connectAsApp, type DatabaseHandle } from '../src/index';
import { createTestDatabase, TEST_WORKSPACE_ID, type TestDatabase } from '../src/testing';

let t: TestDatabase;
let app: DatabaseHandle;
beforeAll(async () => {
  t = await createTestDatabase();
  // Exactly as apps/api and apps/worker connect (no WAKEFLOW_APP_DATABASE_URL: derived from the owner's URL).
  app = await connectAsApp(t.url, { env: {} });
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

/** The SQLSTATE a statement fails with, or undefined when it succeeds. */
async function failureOf(pool: pg.Pool, statement: string): Promise<string | undefined> {
  try {
    await pool.query(statement);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';

describe('the app role', () => {
  it('is what the app and the test bench connect as, and holds no dangerous attribute', async () => {
    for (const pool of [app.pool, t.pool]) {
      const { rows } = await pool.query<{ user: string }>('select current_user as user');
      expect(rows[0]?.user).toBe(APP_ROLE);
    }
    const { rows } = await app.pool.query<Record<string, boolean>>(
      `select rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls
       from pg_roles where rolname = current_user`,
    );
    expect(rows).toEqual([
      {
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        rolbypassrls: false,
      },
    ]);
  });

  it('owns no table, sequence or schema, and cannot create tables next to the owner', async () => {
    const owned = await app.pool.query(
      `select c.relname from pg_class c where c.relowner = (select oid from pg_roles where rolname = current_user)
       union all
       select n.nspname from pg_namespace n where n.nspowner = (select oid from pg_roles where rolname = current_user)`,
    );
    expect(owned.rows).toEqual([]);
    const { rows } = await app.pool.query<{ create: boolean }>(
      `select has_schema_privilege('public', 'CREATE') as create`,
    );
    expect(rows[0]?.create).toBe(false);
  });

  it('may append to the audit log and read it', async () => {
    await app.pool.query(
      `insert into audit_log (workspace_id, actor, action, entity_type, entity_id) values ($1, 'test', 'x', 'y', '1')`,
      [TEST_WORKSPACE_ID],
    );
    const { rows } = await app.pool.query<{ n: number }>('select count(*)::int as n from audit_log');
    expect(rows[0]?.n).toBe(1);
  });

  it('lacks the privilege to update, delete or truncate the audit log (not only the trigger stops it)', async () => {
    expect(await failureOf(app.pool, `update audit_log set actor = 'someone else'`)).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
    expect(await failureOf(app.pool, 'delete from audit_log')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await failureOf(app.pool, 'truncate audit_log')).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('cannot switch the append-only trigger off, neither as owner nor by replication mode', async () => {
    expect(await failureOf(app.pool, 'alter table audit_log disable trigger audit_log_append_only')).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
    const client = await app.pool.connect();
    try {
      await expect(client.query('set session_replication_role = replica')).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
      });
      const { rows } = await client.query<{ role: string }>(
        `select current_setting('session_replication_role') as role`,
      );
      expect(rows[0]?.role).toBe('origin');
    } finally {
      client.release();
    }
    const { rows } = await app.pool.query<{ n: number }>('select count(*)::int as n from audit_log');
    expect(rows[0]?.n).toBe(1);
  });

  it('may read and write every other table, and may not truncate any', async () => {
    const { rows } = await app.pool.query<{
      table: string;
      select: boolean;
      insert: boolean;
      update: boolean;
      delete: boolean;
      truncate: boolean;
    }>(
      `select c.relname as table,
         has_table_privilege(c.oid, 'SELECT') as select, has_table_privilege(c.oid, 'INSERT') as insert,
         has_table_privilege(c.oid, 'UPDATE') as update, has_table_privilege(c.oid, 'DELETE') as delete,
         has_table_privilege(c.oid, 'TRUNCATE') as truncate
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
    );
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) {
      const appendOnly = row.table === 'audit_log';
      expect(row, row.table).toEqual({
        table: row.table,
        select: true,
        insert: true,
        update: !appendOnly,
        delete: !appendOnly,
        truncate: false,
      });
    }
  });
});
