/**
 * The analytics triggers find a changed run's summary by its key, at any table size and whatever the session ran
 * before (migration 0022): a session's trigger plan made for a batch of a thousand runs used to scan all of
 * run_summaries for every later write, one run's included. Counted in the transaction's own table statistics, so the
 * test depends on plans, not on timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '../src/testing';

const RUNS = 50_000;

describe('analytics trigger plans', () => {
  let database: TestDatabase;
  let journeyId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    await db.execute(
      sql`insert into customers (workspace_id, external_id) select ${WS}, 'plan-' || g from generate_series(1, ${RUNS}) g`,
    );
    const [journey] = (
      await db.execute<{ id: string }>(
        sql`insert into journeys (workspace_id, name, draft_graph) values (${WS}, 'plans', '{}') returning id`,
      )
    ).rows;
    journeyId = journey!.id;
    await db.execute(sql`
      insert into runs (id, workspace_id, workflow_id, journey_id, version, customer_id, entry, started_at)
      select gen_random_uuid(), ${WS}, 'plan-' || c.id, ${journeyId}::uuid, 1, c.id, 1, now() from customers c`);
    await db.execute(sql`analyze runs`);
    await db.execute(sql`analyze run_summaries`);
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  it('probes run_summaries by key for batches and single runs alike, after a batch in the same session', async () => {
    const client = new pg.Client({ connectionString: database.appUrl });
    await client.connect();
    try {
      const ids = (await client.query<{ id: string }>('select id from runs order by id limit 1001')).rows.map(
        (r) => r.id,
      );
      const batch = ids.slice(0, 1_000);
      await client.query('begin');
      // A batch first (a cohort's step), so the session's trigger plans are made for a thousand rows…
      await client.query(
        `insert into run_steps (workspace_id, run_id, node_id, seq, entered_at)
         select $1, r, 'batch_step', 0, now() from unnest($2::uuid[]) r`,
        [WS, batch],
      );
      await client.query(`update runs set current_node_id = 'batch_step' where id = any($1::uuid[])`, [
        batch,
      ]);
      // …then one run's write, as a per-customer run's activity makes it on the same pooled connection.
      const single = ids[1_000]!;
      await client.query(`update runs set current_node_id = 'single_step' where id = $1`, [single]);
      await client.query(
        `insert into run_steps (workspace_id, run_id, node_id, seq, entered_at) values ($1, $2, 'single_step', 0, now())`,
        [WS, single],
      );
      const { rows } = await client.query<{ seq_scan: number; idx_scan: number }>(
        `select seq_scan::int, idx_scan::int from pg_stat_xact_user_tables where relname = 'run_summaries'`,
      );
      expect(rows[0]?.idx_scan).toBeGreaterThan(0);
      expect(rows[0]?.seq_scan).toBe(0);
      await client.query('commit');
    } finally {
      await client.end();
    }
    // And the figures are those of the rows written.
    const [reached] = (
      await database.db.execute<{ n: number }>(sql`
        select sum(reached)::int as n from journey_node_daily_rollups where journey_id = ${journeyId}`)
    ).rows;
    expect(reached?.n).toBe(1_001);
  });
});
