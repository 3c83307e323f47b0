/**
 * Runs and messages get time-ordered ids, from the application (`timeOrderedUuid`) and from the database's default
 * (`time_ordered_uuid()`, migration 0024) alike: ids made later sort later, so a batch's rows are neighbours in every
 * index keyed by them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { timeOrderedUuid } from '../src/index';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '../src/testing';

const millisOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('time-ordered row ids', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('is the default id of runs and messages', async () => {
    const { rows } = await t.db.execute<{ table_name: string; column_default: string }>(sql`
      select table_name, column_default from information_schema.columns
      where table_schema = 'public' and column_name = 'id' and table_name in ('runs', 'messages') order by table_name`);
    expect(rows).toEqual([
      { table_name: 'messages', column_default: 'time_ordered_uuid()' },
      { table_name: 'runs', column_default: 'time_ordered_uuid()' },
    ]);
  });

  it('makes version-7 ids carrying the time, later ones sorting later, as the application does', async () => {
    const before = Date.now();
    const made: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { rows } = await t.db.execute<{ id: string }>(sql`select time_ordered_uuid()::text as id`);
      made.push(rows[0]!.id);
      await new Promise((r) => setTimeout(r, 3));
    }
    const inApp = timeOrderedUuid();
    for (const id of made) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      // The database's clock and this process's are the same machine's.
      expect(millisOf(id)).toBeGreaterThanOrEqual(before - 1_000);
      expect(millisOf(id)).toBeLessThanOrEqual(Date.now() + 1_000);
    }
    expect([...made].sort()).toEqual(made);
    expect(inApp > made[2]!).toBe(true);
    // A thousand in one statement: all distinct.
    const { rows } = await t.db.execute<{ n: number }>(
      sql`select count(distinct time_ordered_uuid())::int as n from generate_series(1, 1000)`,
    );
    expect(rows[0]?.n).toBe(1_000);
  });

  it('gives a message inserted without an id a time-ordered one', async () => {
    const [customer] = (
      await t.db.execute<{ id: string }>(
        sql`insert into customers (workspace_id, external_id) values (${WS}, 'row-ids') returning id`,
      )
    ).rows;
    const { rows } = await t.db.execute<{ id: string }>(sql`
      insert into messages (workspace_id, idempotency_key, customer_id, channel, category, priority, requested_at)
      values (${WS}, 'row-ids-1', ${customer!.id}, 'email', 'marketing', 5, now()) returning id::text`);
    expect(rows[0]!.id[14]).toBe('7');
  });
});
