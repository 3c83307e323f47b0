/**
 * Folded bookkeeping (patched 'folded-bookkeeping', issue 19): a run writes its registration and step records with
 * its node activities, before a long timer and with its finish, not one activity per record. On Temporal's
 * time-skipping server and PostgreSQL: a run asleep for a week shows the steps it took and where it sleeps, its history
 * holds two node activities and two local writes, and every write repeated (as a retried activity repeats it) leaves
 * the same rows and figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import type { ExecuteNodeInput, JourneyGraphInput, Plan } from '@wakeflow/journey';
import { journeyNodeDailyRollups, journeyVersions, runs } from '@wakeflow/db';
import { createNodeServices } from '@wakeflow/catalog';
import { createJourneyActivities } from '@wakeflow/temporal';
import { createJourneyBench, eventually, type JourneyBench } from '@wakeflow/testing';

const WEEK = 7 * 86_400_000;

const graph: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'touch_a', type: 'update_customer', config: { setTraits: { step: 'a' } } },
    { id: 'pause', type: 'delay', config: { mode: 'duration', duration: { amount: 7, unit: 'days' } } },
    { id: 'touch_b', type: 'update_customer', config: { setTraits: { step: 'b' } } },
    { id: 'done', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', target: 'touch_a' },
    { source: 'touch_a', target: 'pause' },
    { source: 'pause', target: 'touch_b' },
    { source: 'touch_b', target: 'done' },
  ],
};

describe('folded run bookkeeping', () => {
  let bench: JourneyBench;

  beforeAll(async () => {
    bench = await createJourneyBench();
  });
  afterAll(async () => {
    await bench?.close();
  });

  const steps = async (runId: string) => (await bench.stepsOf(runId)).map((s) => [s.nodeId, s.outcome]);
  /** Reached and left per node, as the analytics triggers counted them. */
  const nodeFigures = async (journeyId: string) =>
    Object.fromEntries(
      (
        await bench.database.db
          .select({
            nodeId: journeyNodeDailyRollups.nodeId,
            reached: journeyNodeDailyRollups.reached,
            left: journeyNodeDailyRollups.left,
          })
          .from(journeyNodeDailyRollups)
          .where(eq(journeyNodeDailyRollups.journeyId, journeyId))
          .orderBy(asc(journeyNodeDailyRollups.nodeId))
      ).map((r) => [r.nodeId, [r.reached, r.left]]),
    );

  it('shows a sleeping run where it sleeps, and costs two node activities and two local writes', async () => {
    const { journeyId } = await bench.publish(graph);
    const customerId = await bench.customer('sleeper');
    const t0 = await bench.now();
    const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
    if (!started.started) throw new Error(`not started: ${started.reason}`);
    const handle = bench.env.client.workflow.getHandle(started.workflowId);
    await bench.withWorker(async () => {
      // Nothing awaits the run's result yet, so the time-skipping server does not skip its week: it sleeps.
      const asleep = await eventually(
        async () => {
          const run = await bench.runOf(started.workflowId);
          return run?.currentNodeId === 'pause' ? run : undefined;
        },
        { what: 'the run to show its delay' },
      );
      expect(await steps(asleep.id)).toEqual([
        ['t', 'next'],
        ['touch_a', 'next'],
        ['pause', null],
      ]);
      await handle.result();
    });
    const run = (await bench.runOf(started.workflowId))!;
    expect(run).toMatchObject({ status: 'completed', outcome: 'done', currentNodeId: null });
    expect(run.endedAt!.getTime() - t0.getTime()).toBeGreaterThanOrEqual(WEEK);
    expect(await steps(run.id)).toEqual([
      ['t', 'next'],
      ['touch_a', 'next'],
      ['pause', 'next'],
      ['touch_b', 'next'],
      ['done', 'done'],
    ]);
    expect(await nodeFigures(journeyId)).toEqual({
      t: [1, 1],
      touch_a: [1, 1],
      pause: [1, 1],
      touch_b: [1, 1],
      done: [1, 1],
    });
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.flatMap((e) =>
      e.activityTaskScheduledEventAttributes
        ? [e.activityTaskScheduledEventAttributes.activityType?.name]
        : [],
    );
    expect(scheduled).toEqual(['executeNode', 'executeNode']);
    const localWrites = events.filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    expect(localWrites).toHaveLength(2);
    expect(events).toHaveLength(26);
  });

  it('writes nothing twice when every write is repeated, and never moves a finished run back onto a step', async () => {
    const { journeyId, version } = await bench.publish(graph);
    const customerId = await bench.customer('retried');
    const { db } = bench.database;
    const [published] = await db
      .select({ plan: journeyVersions.plan })
      .from(journeyVersions)
      .where(eq(journeyVersions.journeyId, journeyId));
    const plan = published!.plan as unknown as Plan;
    const runId = crypto.randomUUID();
    const workflowId = `folded-retry/${runId}`;
    await db.insert(runs).values({
      id: runId,
      workspaceId: 'test',
      workflowId,
      journeyId,
      version,
      customerId,
      entry: 1,
      holdout: false,
      startedAt: new Date(),
    });
    const activities = createJourneyActivities({
      db,
      catalog: bench.catalog,
      services: createNodeServices({
        db,
        publicUrl: 'http://127.0.0.1:3999',
        logger: { info: () => undefined, warn: () => undefined },
      }),
    });
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 5, 9, minutes)).toISOString();
    const node = (nodeId: 'touch_a' | 'touch_b', minutes: number, records: ExecuteNodeInput['records']) => {
      const step = plan.steps[nodeId];
      if (step?.op !== 'activity') throw new Error(`${nodeId} is no activity`);
      return activities.executeNode({
        runId,
        workflowId,
        workspaceId: 'test',
        journeyId,
        version,
        customerId,
        nodeId,
        nodeType: step.nodeType,
        nodeVersion: step.nodeVersion,
        config: step.config,
        holdout: false,
        priority: 5,
        context: { enteredAt: at(0), steps: {} },
        at: at(minutes),
        ...(records ? { records } : {}),
      });
    };
    const run = { runId, workspaceId: 'test' };
    const writes = [
      () =>
        node('touch_a', 0, {
          registration: {
            workflowId,
            journeyId,
            version,
            customerId,
            entry: 1,
            holdout: false,
            startedAt: at(0),
          },
          steps: [
            { nodeId: 't', seq: 0, at: at(0) },
            { nodeId: 'touch_a', seq: 1, at: at(0), previousOutcome: 'next' },
          ],
        }),
      () =>
        activities.recordRun({
          ...run,
          records: { steps: [{ nodeId: 'pause', seq: 2, at: at(1), previousOutcome: 'next' }] },
        }),
      () =>
        node('touch_b', 9, { steps: [{ nodeId: 'touch_b', seq: 3, at: at(9), previousOutcome: 'next' }] }),
      () =>
        activities.recordRun({
          ...run,
          records: { steps: [{ nodeId: 'done', seq: 4, at: at(10), previousOutcome: 'next' }] },
          finish: { outcome: 'done', at: at(10), lastSeq: 4 },
        }),
    ];
    // Each activity retried after it took effect: it runs again with the same input.
    for (const write of writes) {
      await write();
      await write();
    }
    // A stale attempt of the first node finishing after the run ended.
    await writes[0]!();

    const [row] = await db.select().from(runs).where(eq(runs.id, runId));
    expect(row).toMatchObject({ status: 'completed', outcome: 'done', currentNodeId: null });
    expect(row!.startedAt.toISOString()).toBe(at(0));
    const stepRows = await bench.stepsOf(runId);
    expect(stepRows.map((s) => [s.nodeId, s.enteredAt.toISOString(), s.outcome])).toEqual([
      ['t', at(0), 'next'],
      ['touch_a', at(0), 'next'],
      ['pause', at(1), 'next'],
      ['touch_b', at(9), 'next'],
      ['done', at(10), 'done'],
    ]);
    expect(await nodeFigures(journeyId)).toEqual({
      t: [1, 1],
      touch_a: [1, 1],
      pause: [1, 1],
      touch_b: [1, 1],
      done: [1, 1],
    });
  });
});
