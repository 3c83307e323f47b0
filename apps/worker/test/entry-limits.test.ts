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

  it('enters a customer once when a second starter (another API process) enters them in the middle of the first', async () => {
    // Re-entry allowed after a run ends, so only the running run stands between the two starts.
    const { journeyId } = await bench.publish(apiJourney, { reentry: { mode: 'always' } });
    const customerId = await bench.customer('entered-twice');
    // Starter B's pool holds its second read of the customer's runs made outside a transaction until A has entered
    // the customer: the interleaving in which B saw "not in the journey" and then numbered its entry after A's.
    // Starts that decide under the journey's lock make these reads inside their transaction and never wait here.
    const other = connect(bench.database.appUrl, { max: 4 });
    let runsReads = 0;
    let releaseB!: () => void;
    const aHasEntered = new Promise<void>((resolve) => (releaseB = resolve));
    let markBWaiting!: () => void;
    const bWaiting = new Promise<'waiting'>((resolve) => (markBWaiting = () => resolve('waiting')));
    const query = other.pool.query.bind(other.pool);
    other.pool.query = (async (...args: Parameters<typeof query>) => {
      const [config] = args;
      const text = typeof config === 'string' ? config : ((config as { text?: string }).text ?? '');
      if (text.includes('from "runs"') && ++runsReads === 2) {
        markBWaiting();
        await aHasEntered;
      }
      return query(...args);
    }) as typeof other.pool.query;
    try {
      const b = createRunStarter({ db: other.db, client: bench.env.client }).startRun({
        workspaceId: 'test',
        journeyId,
        customerId,
      });
      await Promise.race([bWaiting, b]);
      const a = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
      releaseB();
      const results = [a, await b];
      expect(results.filter((r) => r.started)).toHaveLength(1);
      expect(results.find((r) => !r.started)).toMatchObject({ reason: 'already_in_journey' });
      const rows = await bench.database.db
        .select({ entry: runs.entry })
        .from(runs)
        .where(eq(runs.journeyId, journeyId));
      expect(rows).toEqual([{ entry: 1 }]);
    } finally {
      releaseB();
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
