/**
 * The analytics triggers change a journey's rollup rows in one order whoever writes: the journey's daily row, then
 * the node's (migration 0025). A run's registration and step, and another run's message marked sent at the same node,
 * used to take them in opposite orders and deadlock. Two connections are stepped through exactly that interleaving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '../src/testing';

describe('rollup lock order', () => {
  let t: TestDatabase;
  let journeyId: string;
  let customerA: string;
  let messageB: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const [a, b] = (
      await t.db.execute<{ id: string }>(sql`
        insert into customers (workspace_id, external_id) values (${WS}, 'lock-a'), (${WS}, 'lock-b') returning id`)
    ).rows;
    customerA = a!.id;
    journeyId = (
      await t.db.execute<{ id: string }>(
        sql`insert into journeys (workspace_id, name, draft_graph) values (${WS}, 'lock order', '{}') returning id`,
      )
    ).rows[0]!.id;
    // Run B already entered and reached the email step (the journey's daily row and the node's row exist).
    const runB = (
      await t.db.execute<{ id: string }>(sql`
        insert into runs (workspace_id, workflow_id, journey_id, version, customer_id, entry, started_at)
        values (${WS}, 'lock-b', ${journeyId}::uuid, 1, ${b!.id}, 1, now()) returning id`)
    ).rows[0]!.id;
    await t.db.execute(sql`
      insert into run_steps (workspace_id, run_id, node_id, seq, entered_at) values (${WS}, ${runB}, 'gift_email', 1, now())`);
    messageB = (
      await t.db.execute<{ id: string }>(sql`
        insert into messages (workspace_id, idempotency_key, run_id, journey_id, node_id, customer_id, channel, cost_micros)
        values (${WS}, 'lock-b#gift_email', ${runB}, ${journeyId}::uuid, 'gift_email', ${b!.id}, 'email', 100)
        returning id`)
    ).rows[0]!.id;
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('lets a run enter a step while another run of the journey has its message there marked sent', async () => {
    const registering = new pg.Client({ connectionString: t.appUrl });
    const sending = new pg.Client({ connectionString: t.appUrl });
    await registering.connect();
    await sending.connect();
    try {
      // 1. Run A registers: its summary, and the journey's daily row, are changed and held.
      await registering.query('begin');
      const runA = (
        await registering.query<{ id: string }>(
          `insert into runs (workspace_id, workflow_id, journey_id, version, customer_id, entry, started_at)
           values ($1, 'lock-a', $2, 1, $3, 1, now()) returning id`,
          [WS, journeyId, customerA],
        )
      ).rows[0]!.id;
      // 2. Run B's message is marked sent: it waits for run A's transaction, at the daily row.
      const sendingPid = (await sending.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!
        .pid;
      await sending.query('begin');
      const marked = sending
        .query(`update messages set status = 'sent', sent_at = now() where id = $1`, [messageB])
        .then(
          () => ({ ok: true as const }),
          (error: unknown) => ({ ok: false as const, error }),
        );
      for (let i = 0; ; i += 1) {
        const { rows } = await registering.query<{ waiting: boolean }>(
          `select wait_event_type = 'Lock' as waiting from pg_stat_activity where pid = $1`,
          [sendingPid],
        );
        if (rows[0]?.waiting) break;
        if (i > 200) throw new Error('the sent mark never waited for the registration');
        await new Promise((r) => setTimeout(r, 25));
      }
      // 3. Run A enters the email step: the node's row. Taken in the other order, the mark held it: a deadlock.
      await registering.query(
        `insert into run_steps (workspace_id, run_id, node_id, seq, entered_at) values ($1, $2, 'gift_email', 1, now())`,
        [WS, runA],
      );
      await registering.query('commit');
      const outcome = await marked;
      expect(outcome.ok ? 'committed' : String((outcome as { error: unknown }).error)).toBe('committed');
      await sending.query('commit');
    } finally {
      await registering.end();
      await sending.end();
    }
    const [node] = (
      await t.db.execute<{ reached: number; sent: number; cost: number }>(sql`
        select reached::int, messages_sent::int as sent, cost_micros::int as cost from journey_node_daily_rollups
        where journey_id = ${journeyId} and node_id = 'gift_email'`)
    ).rows;
    expect(node).toEqual({ reached: 2, sent: 1, cost: 100 });
    const [daily] = (
      await t.db.execute<{ entered: number; messaged: number; sent: number }>(sql`
        select sum(entered)::int as entered, sum(messaged)::int as messaged, sum(messages_sent)::int as sent
        from journey_daily_rollups where journey_id = ${journeyId}`)
    ).rows;
    expect(daily).toEqual({ entered: 2, messaged: 1, sent: 1 });
  });
});
