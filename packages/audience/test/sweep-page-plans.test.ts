/**
 * A sweep's page reads about what it returns, whatever the planner knows about the customers table. On a table not
 * yet analyzed (just imported; a server with autovacuum off), the one-query page ("matching, after the cursor, by
 * id, first N") fetched every customer of the workspace and sorted them, for each page. Counted in the transaction's
 * own table statistics, so the test depends on plans, not on timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '@wakeflow/db/testing';
import { drizzle } from 'drizzle-orm/node-postgres';
import { createSegment, matchingCustomerIds, prepareCondition, segmentWhere } from '../src/index';

const CUSTOMERS = 200_000;
const PAGE = 1_000;

describe('sweep page plans', () => {
  let t: TestDatabase;
  const segmentOf: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase({ workspaceIds: [WS, 'other'] });
    // Never analyzed during the test, whatever the server's autovacuum does (the owner's statement: not the app's).
    const owner = new pg.Client({ connectionString: t.url });
    await owner.connect();
    await owner.query('alter table customers set (autovacuum_enabled = false)');
    await owner.end();
    // Every third customer is tagged, and one in a thousand; a few belong to another workspace.
    await t.db.execute(sql`
      insert into customers (workspace_id, external_id, tags)
      select case when g % 97 = 0 then 'other' else ${WS} end, 'c-' || g,
             case when g % 1000 = 0 then array['win-back', 'rare'] when g % 3 = 0 then array['win-back'] else '{}' end
      from generate_series(1, ${CUSTOMERS}) g`);
    for (const tag of ['win-back', 'rare']) {
      const segment = await createSegment(t.db, WS, {
        name: tag,
        definition: { kind: 'tag', tag, has: true },
      });
      segmentOf[tag] = segment.id;
    }
  }, 120_000);
  afterAll(async () => {
    await t?.drop();
  });

  /** Every page of a segment, on one transaction, and the customers rows it read. */
  async function sweepPages(tag: string) {
    const client = new pg.Client({ connectionString: t.appUrl });
    await client.connect();
    try {
      const db = drizzle(client);
      await client.query('begin');
      const prepared = await prepareCondition(t.db, WS, {
        kind: 'segment',
        segmentId: segmentOf[tag]!,
        member: true,
      });
      const where = segmentWhere(WS, prepared, new Date().toISOString());
      const pages: string[][] = [];
      let cursor: string | null = null;
      for (;;) {
        const ids = await matchingCustomerIds(db, where, cursor, PAGE);
        if (ids.length > 0) pages.push(ids);
        if (ids.length < PAGE) break;
        cursor = ids[ids.length - 1]!;
      }
      const { rows } = await client.query<{ read: number }>(
        `select (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::int as read
         from pg_stat_xact_user_tables where relname = 'customers'`,
      );
      await client.query('commit');
      return { pages, read: rows[0]?.read ?? 0 };
    } finally {
      await client.end();
    }
  }

  it('reads each customer about once over a whole sweep, and pages hold exactly the matching customers in id order', async () => {
    const { pages, read } = await sweepPages('win-back');
    const expected = (
      await t.db.execute<{ id: string }>(
        sql`select id from customers where workspace_id = ${WS} and 'win-back' = any(tags) order by id`,
      )
    ).rows.map((r) => r.id);
    expect(pages.flat()).toEqual(expected);
    expect(pages.slice(0, -1).every((p) => p.length === PAGE)).toBe(true);
    // ~66,000 matching: 67 pages. One query per page read every customer of the workspace for each page (13.3
    // million rows, measured). A page reads its chunks once; each page after the first re-reads at most the end of
    // the chunk before. (A table this size: on a small one, a whole-table read is the planner's right choice.)
    expect(read).toBeLessThan(CUSTOMERS * 2);
  });

  it('finds a sparse segment by reading chunks until the page is full or the table ends', async () => {
    const { pages, read } = await sweepPages('rare');
    expect(pages.flat()).toHaveLength(
      Array.from({ length: CUSTOMERS }, (_, i) => i + 1).filter((g) => g % 1000 === 0 && g % 97 !== 0).length,
    );
    expect(read).toBeLessThanOrEqual(CUSTOMERS + PAGE * 4);
  });
});
