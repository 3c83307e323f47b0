/**
 * Audience sweeps end to end: the real `audienceSweep` workflow and its activities, registered in the test bench's
 * worker, start real `journeyRun` runs for the customers newly in a journey's segment, and a second sweep respects
 * the journey's re-entry policy (once / after a duration / always). Journeys without timers run in bulk; the one
 * with a timer runs one customer, and its sweep is started without waiting on the result, so the time-skipping
 * server cannot jump over the timer while the test looks at the run in flight.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { journeyRunWorkflowId, type JourneyGraphInput, type JourneySettingsInput } from '@wakeflow/journey';
import { audienceSweeps, customers, journeyAudienceMembers, runs } from '@wakeflow/db';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import { createSegment, type SweepProgress } from '@wakeflow/audience';

const WS = 'test';

function audienceJourney(segmentId: string, withDelay = false): JourneyGraphInput {
  return withDelay
    ? {
        nodes: [
          { id: 'trigger', type: 'audience_trigger', config: { segmentId } },
          { id: 'pause', type: 'delay', config: { mode: 'duration', duration: { amount: 3, unit: 'days' } } },
          { id: 'done', type: 'exit', config: { outcome: 'done' } },
        ],
        edges: [
          { source: 'trigger', target: 'pause' },
          { source: 'pause', target: 'done' },
        ],
      }
    : {
        nodes: [
          { id: 'trigger', type: 'audience_trigger', config: { segmentId } },
          { id: 'done', type: 'exit', config: { outcome: 'done' } },
        ],
        edges: [{ source: 'trigger', target: 'done' }],
      };
}

describe('audience sweeps start journey runs', () => {
  let bench: JourneyBench;
  let sweepSeq = 0;

  beforeAll(async () => {
    bench = await createJourneyBench();
    await bench.relaxSendingRules();
  });
  afterAll(async () => {
    await bench?.close();
  });

  const db = () => bench.database.db;

  async function tagged(tag: string, externalIds: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const externalId of externalIds) ids.push(await bench.customer(externalId, { tags: [tag] }));
    return ids;
  }
  const setTags = (customerId: string, tags: string[]) =>
    db().update(customers).set({ tags }).where(eq(customers.id, customerId));

  async function publish(
    segmentId: string,
    settings: JourneySettingsInput,
    withDelay = false,
  ): Promise<{ journeyId: string; version: number }> {
    return bench.publish(audienceJourney(segmentId, withDelay), settings);
  }

  /**
   * One sweep through the real `audienceSweep` workflow, as the journey's schedule would start it; then, on the same
   * worker, waits for the runs it should have started to finish. Everything is awaited by polling with the test
   * server's clock locked: awaiting a result unlocks time skipping, and with several runs in flight the server
   * then skips over their workflow tasks' 10 s timeouts (seen as WorkflowTaskTimedOut, then "execution timed out"
   * ten virtual years later).
   */
  function sweep(journeyId: string, expectRuns: string[] = []): Promise<SweepProgress> {
    sweepSeq += 1;
    const workflowId = `audience-sweep/${journeyId}/${sweepSeq}`;
    return bench.withWorker(async () => {
      const handle = await bench.env.client.workflow.start('audienceSweep', {
        taskQueue: 'wakeflow-test',
        workflowId,
        args: [{ workspaceId: WS, journeyId }],
      });
      await waitFor(
        async () => ((await handle.describe()).status.name === 'RUNNING' ? undefined : true),
        `sweep ${workflowId}`,
      );
      await waitFor(
        async () => {
          const done = await db()
            .select({ workflowId: runs.workflowId, status: runs.status })
            .from(runs)
            .where(eq(runs.journeyId, journeyId));
          const finished = new Set(done.filter((r) => r.status !== 'running').map((r) => r.workflowId));
          return expectRuns.every((id) => finished.has(id)) ? true : undefined;
        },
        `runs ${expectRuns.join(', ')}`,
      );
      // Finished by now: reading the result skips no time that matters.
      return (await handle.result()) as SweepProgress;
    });
  }

  const runsOf = (journeyId: string) =>
    db()
      .select({
        customerId: runs.customerId,
        entry: runs.entry,
        status: runs.status,
        outcome: runs.outcome,
        workflowId: runs.workflowId,
      })
      .from(runs)
      .where(eq(runs.journeyId, journeyId))
      .orderBy(asc(runs.customerId), asc(runs.entry));

  const runId = (journeyId: string, version: number, customerId: string, entry: number) =>
    journeyRunWorkflowId({ workspaceId: WS, journeyId, version, customerId, entry });

  it('starts one run per customer in the segment; with re-entry "once" a second sweep starts only newcomers', async () => {
    const first = await tagged('vip', ['vip-1', 'vip-2', 'vip-3', 'vip-4', 'vip-5']);
    await bench.customer('not-vip-1', { tags: ['regular'] });
    await createSegment(db(), WS, {
      id: 'vip',
      name: 'VIP',
      definition: { kind: 'tag', tag: 'vip', has: true },
    });
    const { journeyId, version } = await publish('vip', { reentry: { mode: 'once' } });

    const one = await sweep(
      journeyId,
      first.map((c) => runId(journeyId, version, c, 1)),
    );
    expect(one).toMatchObject({ status: 'completed', scanned: 5, matched: 5, started: 5 });
    const afterOne = await runsOf(journeyId);
    expect(afterOne).toHaveLength(5);
    expect(new Set(afterOne.map((r) => r.customerId))).toEqual(new Set(first));
    for (const r of afterOne) expect(r).toMatchObject({ entry: 1, status: 'completed', outcome: 'done' });

    // Two newcomers; everybody from the first sweep is still in the segment but entered once already.
    const newcomers = await tagged('vip', ['vip-6', 'vip-7']);
    const two = await sweep(
      journeyId,
      newcomers.map((c) => runId(journeyId, version, c, 1)),
    );
    expect(two).toMatchObject({ status: 'completed', scanned: 7, matched: 2, started: 2 });
    const afterTwo = await runsOf(journeyId);
    expect(afterTwo).toHaveLength(7);
    expect(afterTwo.filter((r) => newcomers.includes(r.customerId)).map((r) => r.entry)).toEqual([1, 1]);
    expect(afterTwo.every((r) => r.entry === 1 && r.status === 'completed')).toBe(true);

    // Progress of both sweeps is recorded, newest first in the API's order.
    const recorded = await db()
      .select()
      .from(audienceSweeps)
      .where(eq(audienceSweeps.journeyId, journeyId))
      .orderBy(asc(audienceSweeps.id));
    expect(recorded.map((s) => [s.status, s.scanned, s.matched, s.started])).toEqual([
      ['completed', 5, 5, 5],
      ['completed', 7, 2, 2],
    ]);
  });

  it('re-entry "always": a customer who leaves the segment and comes back enters again, as entry 2', async () => {
    const [a, b, c] = await tagged('loyal', ['loyal-a', 'loyal-b', 'loyal-c']);
    await createSegment(db(), WS, {
      id: 'loyal',
      name: 'Loyal',
      definition: { kind: 'tag', tag: 'loyal', has: true },
    });
    const { journeyId, version } = await publish('loyal', { reentry: { mode: 'always' } });

    expect(
      await sweep(
        journeyId,
        [a!, b!, c!].map((id) => runId(journeyId, version, id, 1)),
      ),
    ).toMatchObject({ scanned: 3, matched: 3, started: 3 });

    // Still in: nobody re-enters. b leaves.
    await setTags(b!, []);
    expect(await sweep(journeyId)).toMatchObject({ scanned: 2, matched: 0, started: 0 });
    // b is back: only b enters again.
    await setTags(b!, ['loyal']);
    expect(await sweep(journeyId, [runId(journeyId, version, b!, 2)])).toMatchObject({
      scanned: 3,
      matched: 1,
      started: 1,
    });
    // Still in: nothing.
    expect(await sweep(journeyId)).toMatchObject({ scanned: 3, matched: 0, started: 0 });

    const rows = await runsOf(journeyId);
    expect(rows.map((r) => [r.customerId, r.entry, r.status])).toEqual(
      [
        [a, 1, 'completed'],
        [b, 1, 'completed'],
        [b, 2, 'completed'],
        [c, 1, 'completed'],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0])) || Number(x[1]) - Number(y[1])),
    );
    const [member] = await db()
      .select()
      .from(journeyAudienceMembers)
      .where(and(eq(journeyAudienceMembers.journeyId, journeyId), eq(journeyAudienceMembers.customerId, b!)));
    expect(member!.entries).toBe(2);
  });

  it('re-entry "after 7 days": a second sweep within the week starts nobody, one after it starts everybody again', async () => {
    const ids = await tagged('weekly', ['weekly-1', 'weekly-2', 'weekly-3']);
    await createSegment(db(), WS, {
      id: 'weekly',
      name: 'Weekly',
      definition: { kind: 'tag', tag: 'weekly', has: true },
    });
    const { journeyId, version } = await publish('weekly', {
      reentry: { mode: 'after', duration: { amount: 7, unit: 'days' } },
    });

    expect(
      await sweep(
        journeyId,
        ids.map((id) => runId(journeyId, version, id, 1)),
      ),
    ).toMatchObject({ scanned: 3, matched: 3, started: 3 });
    expect(await sweep(journeyId)).toMatchObject({ scanned: 3, matched: 0, started: 0 });

    // The sweep and the run starter judge "7 days since the last entry" by the activity's wall clock, while the
    // runs record their start in the test server's virtual time: put both entries eight real days in the past.
    await db().execute(sql`
      update journey_audience_members set last_entered_at = now() - interval '8 days' where journey_id = ${journeyId}`);
    await db().execute(
      sql`update runs set started_at = now() - interval '8 days' where journey_id = ${journeyId}`,
    );
    expect(
      await sweep(
        journeyId,
        ids.map((id) => runId(journeyId, version, id, 2)),
      ),
    ).toMatchObject({ scanned: 3, matched: 3, started: 3 });
    const rows = await runsOf(journeyId);
    expect(rows).toHaveLength(6);
    expect(rows.map((r) => r.entry).sort()).toEqual([1, 1, 1, 2, 2, 2]);
    expect(rows.every((r) => r.status === 'completed')).toBe(true);
  });

  it('skips the sweep of a journey that is not live, starting nobody', async () => {
    await tagged('paused', ['paused-1']);
    await createSegment(db(), WS, {
      id: 'paused',
      name: 'Paused',
      definition: { kind: 'tag', tag: 'paused', has: true },
    });
    const { journeyId } = await publish('paused', {});
    await db().execute(sql`update journeys set status = 'paused' where id = ${journeyId}`);
    const result = await sweep(journeyId);
    expect(result).toMatchObject({ status: 'skipped', started: 0 });
    expect(result.reason).toMatch(/paused/);
    expect(await runsOf(journeyId)).toHaveLength(0);
  });

  it('a customer still in an earlier run (a timer) is not entered twice and not counted; the run finishes later', async () => {
    const [only] = await tagged('slow', ['slow-1']);
    await createSegment(db(), WS, {
      id: 'slow',
      name: 'Slow',
      definition: { kind: 'tag', tag: 'slow', has: true },
    });
    const { journeyId, version } = await publish('slow', { reentry: { mode: 'always' } }, true);
    const first = runId(journeyId, version, only!, 1);

    await bench.withWorker(async () => {
      // Started, not executed: waiting on the sweep's result would let the test server skip over the 3-day delay.
      const sweepOnce = async (key: string) => {
        await bench.env.client.workflow.start('audienceSweep', {
          taskQueue: 'wakeflow-test',
          workflowId: key,
          args: [{ workspaceId: WS, journeyId, sweepKey: key }],
        });
        return waitFor(async () => {
          const [row] = await db().select().from(audienceSweeps).where(eq(audienceSweeps.sweepKey, key));
          return row?.status === 'completed' ? row : undefined;
        });
      };
      expect(await sweepOnce(`slow-${randomUUID()}`)).toMatchObject({ scanned: 1, matched: 1, started: 1 });
      // The run registers itself and sits on its timer.
      await waitFor(async () => ((await runsOf(journeyId))[0]?.status === 'running' ? true : undefined));

      // The customer leaves and comes back while the run is still waiting: the policy lets them in, the starter
      // refuses (already in the journey), so nothing is counted and the entry number is not used up.
      await setTags(only!, []);
      expect(await sweepOnce(`slow-${randomUUID()}`)).toMatchObject({ scanned: 0, started: 0 });
      await setTags(only!, ['slow']);
      expect(await sweepOnce(`slow-${randomUUID()}`)).toMatchObject({ scanned: 1, matched: 1, started: 0 });
      const [member] = await db()
        .select()
        .from(journeyAudienceMembers)
        .where(eq(journeyAudienceMembers.journeyId, journeyId));
      expect(member!.entries).toBe(1);
      expect(await runsOf(journeyId)).toHaveLength(1);

      // Now let the timer fire: the run ends after three (virtual) days.
      await bench.env.client.workflow.getHandle(first).result();
    });
    const rows = await runsOf(journeyId);
    expect(rows).toEqual([
      expect.objectContaining({ customerId: only, entry: 1, status: 'completed', outcome: 'done' }),
    ]);
  });
});

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what = 'a condition',
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
