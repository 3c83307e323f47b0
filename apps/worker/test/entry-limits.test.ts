/**
 * A journey's launch limits on PostgreSQL and Temporal's time-skipping server: the run starter (which every trigger
 * goes through) admits N per hour, M per day and a cap in all, counting the runs table with the trigger's clock; an
 * audience sweep lets a large audience in in waves, and those over the limit stay eligible for the next sweep.
 */
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createRunStarter } from '@wakeflow/temporal';
import { eq, sql } from 'drizzle-orm';
import type { JourneyGraphInput } from '@wakeflow/journey';
import { connect, journeyAudienceMembers, runSummaries, runs } from '@wakeflow/db';
import { createSegment, type SweepProgress } from '@wakeflow/audience';
import { createJourneyBench, eventually, type JourneyBench } from '@wakeflow/testing';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const apiJourney: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [{ source: 't', target: 'x' }],
};

describe('entry limits', () => {
  let bench: JourneyBench;

  beforeAll(async () => {
    bench = await createJourneyBench();
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('admits N per hour, M per day and a cap in all, by the trigger clock', async () => {
    const { journeyId } = await bench.publish(apiJourney, {
      reentry: { mode: 'once' },
      launch: { perHour: 2, perDay: 3, entryCap: 4 },
    });
    const customers: string[] = [];
    for (let i = 1; i <= 6; i++) customers.push(await bench.customer(`limited-${i}`));
    const t0 = Date.parse('2026-12-07T09:00:00Z');
    // No worker runs: the runs' rows keep the starter's clock, which the test sets.
    const enter = async (customer: number, atMs: number) => {
      const result = await bench.starter.startRun({
        workspaceId: 'test',
        journeyId,
        customerId: customers[customer - 1]!,
        now: new Date(atMs),
      });
      return result.started ? 'started' : result.reason;
    };
    expect([await enter(1, t0), await enter(2, t0 + MINUTE), await enter(3, t0 + 2 * MINUTE)]).toEqual([
      'started',
      'started',
      'hourly_rate',
    ]);
    // An hour after the first entry the hour has room again; the day (3) does not after one more.
    expect([await enter(3, t0 + HOUR + 1), await enter(4, t0 + 2 * HOUR)]).toEqual(['started', 'daily_rate']);
    expect([await enter(4, t0 + 25 * HOUR), await enter(5, t0 + 26 * HOUR)]).toEqual([
      'started',
      'entry_cap',
    ]);
    const [{ n } = { n: 0 }] = await bench.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(runs)
      .where(eq(runs.journeyId, journeyId));
    expect(n).toBe(4);
  });

  it('refuses entries before the start and from the end on', async () => {
    const { journeyId } = await bench.publish(apiJourney, {
      launch: { startAt: '2026-12-10T00:00:00Z', endAt: '2026-12-11T00:00:00Z' },
    });
    const customerId = await bench.customer('windowed');
    const at = (iso: string) =>
      bench.starter.startRun({ workspaceId: 'test', journeyId, customerId, now: new Date(iso) });
    expect(await at('2026-12-09T23:59:59Z')).toMatchObject({ started: false, reason: 'not_started' });
    expect(await at('2026-12-11T00:00:00Z')).toMatchObject({ started: false, reason: 'ended' });
    expect(await at('2026-12-10T12:00:00Z')).toMatchObject({ started: true });
  });

  it('lets an audience in in waves; those over the limit stay eligible for the next sweep', async () => {
    const db = bench.database.db;
    for (let i = 1; i <= 5; i++) await bench.customer(`wave-${i}`, { tags: ['wave'] });
    await createSegment(db, 'test', {
      id: 'wave',
      name: 'Wave',
      definition: { kind: 'tag', tag: 'wave', has: true },
    });
    const { journeyId } = await bench.publish(
      {
        nodes: [
          { id: 't', type: 'audience_trigger', config: { segmentId: 'wave' } },
          { id: 'x', type: 'exit', config: { outcome: 'done' } },
        ],
        edges: [{ source: 't', target: 'x' }],
      },
      { reentry: { mode: 'once' }, launch: { perHour: 2 } },
    );
    let seq = 0;
    const sweep = () =>
      bench.withWorker(async () => {
        seq += 1;
        const handle = await bench.env.client.workflow.start('audienceSweep', {
          taskQueue: 'wakeflow-test',
          workflowId: `audience-sweep/${journeyId}/wave-${seq}`,
          args: [{ workspaceId: 'test', journeyId }],
        });
        // Polled with the test server's clock locked (see audience-sweep-journeys.test.ts), then read.
        await eventually(async () =>
          (await handle.describe()).status.name === 'RUNNING' ? undefined : true,
        );
        await eventually(async () => {
          const open = await db.select({ id: runs.id }).from(runs).where(eq(runs.status, 'running'));
          return open.length === 0 ? true : undefined;
        });
        return (await handle.result()) as SweepProgress;
      });
    const entered = async () => {
      const rows = await db
        .select({ entries: journeyAudienceMembers.entries })
        .from(journeyAudienceMembers)
        .where(eq(journeyAudienceMembers.journeyId, journeyId));
      return rows.filter((r) => r.entries > 0).length;
    };

    const first = await sweep();
    expect([first.started, first.reason]).toEqual([2, 'entry limit: hourly_rate']);
    expect(await entered()).toBe(2);
    const second = await sweep();
    expect(second.started).toBe(0);
    expect(await entered()).toBe(2);
    // An hour later (the runs' start times moved back an hour), the next wave enters.
    await db.execute(
      sql`update runs set started_at = started_at - interval '61 minutes' where journey_id = ${journeyId}`,
    );
    const third = await sweep();
    expect(third.started).toBe(2);
    expect(await entered()).toBe(4);
  });

  it('enters a customer once when two starters (an API process each) enter them at the same moment', async () => {
    // Re-entry allowed after a run ends, so only the running run stands between the two starts.
    const { journeyId } = await bench.publish(apiJourney, { reentry: { mode: 'always' } });
    const other = connect(bench.database.appUrl, { max: 10 });
    try {
      const starters = [bench.starter, createRunStarter({ db: other.db, client: bench.env.client })];
      const customers: string[] = [];
      for (let i = 0; i < 60; i++) customers.push(await bench.customer(`twice-${i}`));
      // The second start follows the first by 0 to 19 ms, so some land between the other's reads and its write.
      const results = await Promise.all(
        customers.flatMap((customerId, i) =>
          starters.map(async (starter, s) => {
            if (s === 1) await new Promise((resolve) => setTimeout(resolve, i % 20));
            return starter.startRun({ workspaceId: 'test', journeyId, customerId });
          }),
        ),
      );
      // Each customer: one start, and the other either joins it or is told the customer is in the journey.
      for (let i = 0; i < customers.length; i++) {
        const pair = results.slice(2 * i, 2 * i + 2);
        expect(pair.filter((r) => r.started)).toHaveLength(1);
      }
      const rows = await bench.database.db
        .select({ customerId: runs.customerId, entry: runs.entry })
        .from(runs)
        .where(eq(runs.journeyId, journeyId));
      expect(rows).toHaveLength(customers.length);
      expect(rows.every((r) => r.entry === 1)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('takes back the row of a run whose workflow could not be started, so it never counts', async () => {
    const { journeyId } = await bench.publish(apiJourney, { launch: { entryCap: 1 } });
    const customerId = await bench.customer('temporal-down');
    // A loopback port nothing listens on: Temporal as seen during an outage.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const connection = Connection.lazy({ address: `127.0.0.1:${port}` });
    try {
      const down = createRunStarter({ db: bench.database.db, client: new Client({ connection }) });
      await expect(down.startRun({ workspaceId: 'test', journeyId, customerId })).rejects.toThrow();
    } finally {
      await connection.close();
    }
    const left = await bench.database.db
      .select({ id: runs.id })
      .from(runs)
      .where(eq(runs.journeyId, journeyId));
    expect(left).toEqual([]);
    const summaries = await bench.database.db
      .select({ id: runSummaries.runId })
      .from(runSummaries)
      .where(eq(runSummaries.journeyId, journeyId));
    expect(summaries).toEqual([]);
    // The cap of one is still free.
    expect(await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId })).toMatchObject({
      started: true,
    });
  }, 60_000);
});
