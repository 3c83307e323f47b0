/**
 * A run's recorded status is always true, on Temporal's time-skipping server and PostgreSQL: a run that fails ends
 * `failed` with the reason, a cancelled one `cancelled`, a terminated one `terminated` once the run reconciler has
 * looked; none of them stays live or is signalled. And events count by when they occurred: an old event delivered
 * during a wait does not meet it, nor does an event from before the run entered meet the goal. With
 * WAKEFLOW_RECORD_HISTORIES=1 the runs' histories are recorded for the replay gate in workflows/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { WorkflowFailedError } from '@temporalio/client';
import {
  CUSTOMER_EVENT_SIGNAL,
  journeyTaskQueue,
  type CustomerEventPayload,
  type JourneyGraphInput,
  type JourneySettingsInput,
} from '@wakeflow/journey';
import { journeyVersions, runs } from '@wakeflow/db';
import { reconcileRuns } from '@wakeflow/temporal';
import { createJourneyBench, eventually, recordHistoryIfAsked, type JourneyBench } from '@wakeflow/testing';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Entry, a profile update, then an exit; the goal makes the journey listen for `purchase`. */
const updateThenExit: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'tag', type: 'update_customer', config: { addTags: ['seen'] } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', target: 'tag' },
    { source: 'tag', target: 'x' },
  ],
};

const longDelay: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'd', type: 'delay', config: { mode: 'duration', duration: { amount: 30, unit: 'days' } } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', target: 'd' },
    { source: 'd', target: 'x' },
  ],
};

const waitForLogin: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    {
      id: 'w',
      type: 'wait_for_event',
      config: { events: [{ event: 'login', outcome: 'back' }], timeout: { amount: 7, unit: 'days' } },
    },
    { id: 'back', type: 'exit', config: { outcome: 'reactivated' } },
    { id: 'gone', type: 'exit', config: { outcome: 'still_dormant' } },
  ],
  edges: [
    { source: 't', target: 'w' },
    { source: 'w', outcome: 'back', target: 'back' },
    { source: 'w', outcome: 'timeout', target: 'gone' },
  ],
};

const purchaseGoal: JourneySettingsInput = { goal: { event: 'purchase', outcome: 'converted' } };

describe('run lifecycle and event time', () => {
  let bench: JourneyBench;
  let eventSeq = 0;

  beforeAll(async () => {
    bench = await createJourneyBench();
    await bench.relaxSendingRules();
  });
  afterAll(async () => {
    await bench?.close();
  });

  async function start(graph: JourneyGraphInput, settings: JourneySettingsInput, customer: string) {
    const { journeyId, version } = await bench.publish(graph, settings);
    const customerId = await bench.customer(customer);
    const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
    if (!started.started) throw new Error(`not started: ${started.reason}`);
    return { journeyId, version, customerId, workflowId: started.workflowId };
  }

  /** The run once it has entered step `nodeId` (its wait has begun by then, at the same workflow time). */
  function reached(workflowId: string, nodeId: string) {
    return eventually(
      async () => {
        const run = await bench.runOf(workflowId);
        return run?.currentNodeId === nodeId ? run : undefined;
      },
      { what: `run ${workflowId} at ${nodeId}` },
    );
  }

  /** Delivers an event to a run as the event router does, with the given time of occurrence. */
  async function deliver(workflowId: string, name: string, occurredAt: Date): Promise<void> {
    eventSeq += 1;
    const payload: CustomerEventPayload = {
      eventId: `lifecycle-${eventSeq}`,
      name,
      properties: {},
      occurredAt: occurredAt.toISOString(),
    };
    await bench.env.client.workflow.getHandle(workflowId).signal(CUSTOMER_EVENT_SIGNAL, payload);
  }

  /** What the journey's live counts and the event router see of a run: open and listening, or neither. */
  async function liveAndRouted(journeyId: string, customerId: string, workflowId: string) {
    const open = await bench.database.db
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.journeyId, journeyId), isNull(runs.endedAt)));
    const routed = await bench.router.route([
      {
        workspaceId: 'test',
        customerId,
        eventId: `route-${workflowId}`,
        name: 'purchase',
        properties: {},
        occurredAt: await bench.now(),
      },
    ]);
    return { open: open.length, signalled: routed.signalled };
  }

  it('ends a run whose plan names a node kind this worker lacks as failed, with the reason', async () => {
    const { journeyId, version } = await bench.publish(updateThenExit, purchaseGoal);
    // A plan published elsewhere (or before a kind was removed): the worker does not know this kind.
    const [row] = await bench.database.db
      .select({ plan: journeyVersions.plan })
      .from(journeyVersions)
      .where(and(eq(journeyVersions.journeyId, journeyId), eq(journeyVersions.version, version)));
    const plan = row!.plan as { steps: Record<string, { nodeType?: string }> };
    plan.steps.tag!.nodeType = 'no_such_kind';
    await bench.database.db
      .update(journeyVersions)
      .set({ plan })
      .where(and(eq(journeyVersions.journeyId, journeyId), eq(journeyVersions.version, version)));
    const customerId = await bench.customer('unlucky');
    const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
    if (!started.started) throw new Error('not started');

    const failure = await bench.withWorker(() =>
      bench.env.client.workflow
        .getHandle(started.workflowId)
        .result()
        .then(
          () => undefined,
          (error: unknown) => error,
        ),
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    await recordHistoryIfAsked(bench.env.client, started.workflowId, 'run-failed-unknown-kind');

    const run = (await bench.runOf(started.workflowId))!;
    expect(run.status).toBe('failed');
    expect(run.endedReason).toMatch(/no node kind “no_such_kind”/);
    expect(run.endedAt).not.toBeNull();
    expect(run.currentNodeId).toBe('tag');
    expect(await liveAndRouted(journeyId, customerId, started.workflowId)).toEqual({ open: 0, signalled: 0 });
  });

  it('ends a cancelled run as cancelled', async () => {
    const { journeyId, customerId, workflowId } = await start(longDelay, purchaseGoal, 'cancelled');
    const failure = await bench.withWorker(async () => {
      // Cancel while it sleeps, not while a bookkeeping activity is in flight (the time-skipping server then
      // refuses the activity's cancellation, ACTIVITY_UNKNOWN, when the activity completed meanwhile).
      await bench.settled(workflowId, 'sleep');
      const handle = bench.env.client.workflow.getHandle(workflowId);
      await handle.cancel();
      return handle.result().then(
        () => undefined,
        (error: unknown) => error,
      );
    });
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    await recordHistoryIfAsked(bench.env.client, workflowId, 'run-cancelled');

    const run = (await bench.runOf(workflowId))!;
    expect(run.status).toBe('cancelled');
    expect(run.endedReason).toBeTruthy();
    expect(await liveAndRouted(journeyId, customerId, workflowId)).toEqual({ open: 0, signalled: 0 });
  });

  it('ends a terminated run as terminated once the reconciler has run, and leaves open runs alone', async () => {
    const terminated = await start(longDelay, purchaseGoal, 'terminated');
    const waiting = await start(longDelay, {}, 'patient');
    await bench.withWorker(async () => {
      await bench.settled(terminated.workflowId, 'sleep');
      await bench.settled(waiting.workflowId, 'sleep');
    });
    await bench.env.client.workflow.getHandle(terminated.workflowId).terminate('stuck, by hand');

    // Runs younger than the quiet period are not looked at yet.
    const early = await reconcileRuns(bench.database.db, bench.env.client, {
      workspaceId: 'test',
      now: await bench.now(),
      quietForMs: HOUR,
    });
    expect(early.checked).toBe(0);
    expect((await bench.runOf(terminated.workflowId))!.status).toBe('running');

    const now = new Date((await bench.now()).getTime() + 2 * HOUR);
    const pass = await reconcileRuns(bench.database.db, bench.env.client, {
      workspaceId: 'test',
      now,
      quietForMs: HOUR,
    });
    const terminatedRun = (await bench.runOf(terminated.workflowId))!;
    expect(pass.ended).toEqual([expect.objectContaining({ runId: terminatedRun.id, status: 'terminated' })]);
    expect(terminatedRun.status).toBe('terminated');
    expect(terminatedRun.endedReason).toMatch(/terminated/);
    expect(terminatedRun.endedAt).not.toBeNull();
    expect(await liveAndRouted(terminated.journeyId, terminated.customerId, terminated.workflowId)).toEqual({
      open: 0,
      signalled: 0,
    });

    const waitingRun = (await bench.runOf(waiting.workflowId))!;
    expect(waitingRun.status).toBe('running');
    expect(waitingRun.checkedAt?.getTime()).toBe(now.getTime());
    // Just checked: the next pass within the quiet period skips it.
    const again = await reconcileRuns(bench.database.db, bench.env.client, {
      workspaceId: 'test',
      now: new Date(now.getTime() + 1000),
      quietForMs: HOUR,
    });
    expect(again.checked).toBe(0);
    await bench.env.client.workflow.getHandle(waiting.workflowId).terminate('test over');
  });

  it('runs the reconciler as a workflow with the worker’s own client', async () => {
    const result = await bench.withWorker(() =>
      bench.env.client.workflow.execute('runReconciliation', {
        taskQueue: journeyTaskQueue('test'),
        workflowId: 'run-reconciler/test',
        args: [{ workspaceId: 'test' }],
      }),
    );
    expect(result).toEqual({ checked: expect.any(Number), ended: expect.any(Number) });
  });

  it('does not count an event that occurred before the wait began, and counts one that occurred after', async () => {
    const old = await start(waitForLogin, {}, 'old-login');
    const oldResult = await bench.withWorker(async () => {
      await reached(old.workflowId, 'w');
      await bench.settled(old.workflowId, 'event');
      await bench.env.sleep('1 day');
      await deliver(old.workflowId, 'login', new Date('2020-01-01T00:00:00Z'));
      return (await bench.env.client.workflow.getHandle(old.workflowId).result()) as { outcome: string };
    });
    await recordHistoryIfAsked(bench.env.client, old.workflowId, 'wait-old-event');
    expect(oldResult.outcome).toBe('still_dormant');
    const oldRun = (await bench.runOf(old.workflowId))!;
    expect(Math.round((oldRun.endedAt!.getTime() - oldRun.startedAt.getTime()) / DAY)).toBe(7);

    const fresh = await start(waitForLogin, {}, 'fresh-login');
    const freshResult = await bench.withWorker(async () => {
      const run = await reached(fresh.workflowId, 'w');
      await bench.settled(fresh.workflowId, 'event');
      await bench.env.sleep('1 day');
      await deliver(fresh.workflowId, 'login', new Date('2020-01-01T00:00:00Z'));
      // Occurred an hour before it is delivered, but after the wait began: it counts.
      await bench.env.sleep('2 hours');
      await deliver(fresh.workflowId, 'login', new Date(run.startedAt.getTime() + DAY));
      return (await bench.env.client.workflow.getHandle(fresh.workflowId).result()) as { outcome: string };
    });
    await recordHistoryIfAsked(bench.env.client, fresh.workflowId, 'wait-old-then-new-event');
    expect(freshResult.outcome).toBe('reactivated');
  });

  it('counts for a wait an event that occurred after the run entered the wait, while the step was still being recorded', async () => {
    // A delay first, so the test can hold the run's row locked before the wait's step is recorded: the record then
    // waits, as it does under a backlog, and the login arrives meanwhile.
    const graph: JourneyGraphInput = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'd', type: 'delay', config: { mode: 'duration', duration: { amount: 1, unit: 'minutes' } } },
        ...waitForLogin.nodes.slice(1),
      ],
      edges: [{ source: 't', target: 'd' }, { source: 'd', target: 'w' }, ...waitForLogin.edges.slice(1)],
    };
    const run = await start(graph, {}, 'login-while-recorded');
    const result = await bench.withWorker(async () => {
      await bench.settled(run.workflowId, 'sleep');
      const lock = await bench.database.pool.connect();
      try {
        await lock.query('begin');
        await lock.query('select id from runs where workflow_id = $1 for update', [run.workflowId]);
        await bench.env.sleep('1 minute');
        // The record of step w now waits for the lock; the customer logs in after the run entered w.
        await eventually(async () => {
          const { rows } = await bench.database.pool.query<{ n: number }>(
            "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
          );
          return rows[0]!.n > 0 ? true : undefined;
        });
        await deliver(run.workflowId, 'login', new Date(await bench.env.currentTimeMs()));
        await lock.query('commit');
      } finally {
        lock.release();
      }
      return (await bench.env.client.workflow.getHandle(run.workflowId).result()) as { outcome: string };
    });
    await recordHistoryIfAsked(bench.env.client, run.workflowId, 'wait-event-while-step-recorded');
    expect(result.outcome).toBe('reactivated');
  });

  it('does not end a run at its goal for an event from before the run entered', async () => {
    const run = await start(longDelay, purchaseGoal, 'old-buyer');
    const result = await bench.withWorker(async () => {
      const row = await reached(run.workflowId, 'd');
      await bench.settled(run.workflowId, 'sleep');
      await bench.env.sleep('1 day');
      await deliver(run.workflowId, 'purchase', new Date(row.startedAt.getTime() - HOUR));
      return (await bench.env.client.workflow.getHandle(run.workflowId).result()) as { outcome: string };
    });
    await recordHistoryIfAsked(bench.env.client, run.workflowId, 'goal-old-event');
    expect(result.outcome).toBe('done');
  });
});
