/**
 * `recordRunBatch` on a real database: a batch holding several steps of a run (a cohort's folded bookkeeping) writes
 * exactly the rows, run state and analytics rollups that one write per record gives (`writeRunRecords`, the way a
 * per-customer run without folding wrote them), and a retried batch writes nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import {
  customers,
  journeyNodeDailyRollups,
  journeys,
  recordRunBatch,
  runs,
  runSteps,
  writeRunRecords,
  type RunBatchRecords,
} from '../src/index';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '../src/testing';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 9, minute));

/** A run's life: its steps (one with a split arm) and, for some, its finish at the last step. */
const STEPS = [
  { nodeId: 'trigger', seq: 0, at: at(0) },
  { nodeId: 'ab', seq: 1, at: at(0), splitArm: { stepId: 'ab', arm: 'sms_first', holdout: false } },
  { nodeId: 'gift_sms', seq: 2, at: at(1), previousOutcome: 'sms_first' },
  { nodeId: 'wait_return', seq: 3, at: at(2) },
  { nodeId: 'second_wave', seq: 4, at: at(9), previousOutcome: 'timeout' },
];
const FINISH = { outcome: 'still_dormant', at: at(10), lastSeq: 4 };

describe('recordRunBatch', () => {
  let database: TestDatabase;
  let customerIds: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const rows = await database.db
      .insert(customers)
      .values(Array.from({ length: 6 }, (_, i) => ({ workspaceId: WS, externalId: `batch-${i}` })))
      .returning({ id: customers.id });
    customerIds = rows.map((r) => r.id);
  }, 60_000);
  afterAll(async () => {
    await database?.drop();
  });

  const newJourney = async (name: string) => {
    const [row] = await database.db
      .insert(journeys)
      .values({ workspaceId: WS, name, draftGraph: {} })
      .returning({ id: journeys.id });
    return row!.id;
  };
  const registration = (journeyId: string, customerId: string) => ({
    workflowId: `wf-${journeyId}-${customerId}`,
    journeyId,
    version: 1,
    customerId,
    entry: 1,
    holdout: false,
    startedAt: at(0),
  });
  /** What a journey's runs and rollups say, comparable across journeys (by customer, without ids). */
  const stateOf = async (journeyId: string) => {
    const runRows = await database.db
      .select({
        runId: runs.id,
        customerId: runs.customerId,
        status: runs.status,
        outcome: runs.outcome,
        currentNodeId: runs.currentNodeId,
        arms: runs.arms,
        holdout: runs.holdout,
        endedAt: runs.endedAt,
      })
      .from(runs)
      .where(eq(runs.journeyId, journeyId));
    const steps = await Promise.all(
      runRows.map((r) =>
        database.db
          .select({
            nodeId: runSteps.nodeId,
            seq: runSteps.seq,
            enteredAt: runSteps.enteredAt,
            leftAt: runSteps.leftAt,
            outcome: runSteps.outcome,
          })
          .from(runSteps)
          .where(eq(runSteps.runId, r.runId))
          .orderBy(asc(runSteps.seq)),
      ),
    );
    const rollups = await database.db
      .select({
        nodeId: journeyNodeDailyRollups.nodeId,
        reached: sql<number>`sum(${journeyNodeDailyRollups.reached})::int`,
        left: sql<number>`sum(${journeyNodeDailyRollups.left})::int`,
      })
      .from(journeyNodeDailyRollups)
      .where(eq(journeyNodeDailyRollups.journeyId, journeyId))
      .groupBy(journeyNodeDailyRollups.nodeId)
      .orderBy(asc(journeyNodeDailyRollups.nodeId));
    return {
      runs: runRows
        .map(({ runId: _runId, customerId, ...r }, i) => ({
          customer: customerIds.indexOf(customerId),
          ...r,
          steps: steps[i],
        }))
        .sort((a, b) => a.customer - b.customer),
      rollups,
    };
  };

  it('writes several steps of a run in one batch as one write per record does, and a retry writes nothing twice', async () => {
    const one = await newJourney('one write per record');
    const batched = await newJourney('one batch');
    // Three runs each: one finished, one at its wait, one only registered.
    const lives = [
      { steps: STEPS, finish: FINISH },
      { steps: STEPS.slice(0, 4) },
      { steps: STEPS.slice(0, 1) },
    ];

    for (const [i, life] of lives.entries()) {
      const customerId = customerIds[i]!;
      const runId = crypto.randomUUID();
      await writeRunRecords(database.db, {
        runId,
        workspaceId: WS,
        registration: registration(one, customerId),
        steps: [],
      });
      for (const step of life.steps)
        await writeRunRecords(database.db, { runId, workspaceId: WS, steps: [step] });
      if (life.finish)
        await writeRunRecords(database.db, { runId, workspaceId: WS, steps: [], finish: life.finish });
    }

    // The same lives in two batches, as a cohort writes them: the first up to the wait (registration and three
    // steps in one), the rest with the finish; then the second batch again (a retried activity).
    const ids = lives.map(() => crypto.randomUUID());
    const base = { workspaceId: WS, journeyId: batched, version: 1, ended: [] };
    const first: RunBatchRecords = {
      ...base,
      registered: lives.map((_, i) => ({
        runId: ids[i]!,
        ...registration(batched, customerIds[i]!),
        cohortWorkflowId: 'cohort-1',
      })),
      steps: lives.flatMap((life, i) => life.steps.slice(0, 4).map((step) => ({ runId: ids[i]!, ...step }))),
      finished: [],
    };
    const second: RunBatchRecords = {
      ...base,
      registered: [],
      steps: lives.flatMap((life, i) => life.steps.slice(4).map((step) => ({ runId: ids[i]!, ...step }))),
      finished: lives.flatMap((life, i) => (life.finish ? [{ runId: ids[i]!, ...life.finish }] : [])),
    };
    await recordRunBatch(database.db, first);
    await recordRunBatch(database.db, second);
    const once = await stateOf(batched);
    await recordRunBatch(database.db, second);

    const expected = await stateOf(one);
    expect(expected.runs.map((r) => r.steps?.length)).toEqual([5, 4, 1]);
    expect(expected.runs[0]).toMatchObject({
      status: 'completed',
      outcome: 'still_dormant',
      currentNodeId: null,
    });
    expect(expected.runs[1]).toMatchObject({ status: 'running', currentNodeId: 'wait_return' });
    expect(expected.runs[1]!.arms).toEqual({ ab: 'sms_first' });
    expect(once.runs).toEqual(expected.runs);
    expect(once.rollups).toEqual(expected.rollups);
    expect(await stateOf(batched)).toEqual(once);
  });
});
