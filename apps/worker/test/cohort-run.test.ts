/**
 * The cohort executor end to end, on the real Temporal dev server and PostgreSQL: a bulk entry runs as cohort
 * workflows whose members are runs like any other (rows, steps, one message per run step), an event for a member
 * reaches it through its cohort and ends its wait, and a stop or a removal reaches members of a cohort. Members'
 * bookkeeping rides on the cohort's node batches (patched 'cohort-folded-bookkeeping').
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { runs } from '@wakeflow/db';
import { COHORT_RUN_STATE_QUERY, type CohortRunResult, type RunState } from '@wakeflow/journey';
import { createRunStarter, signalRunControl, type JourneyRunStarter } from '@wakeflow/temporal';
import { createJourneyBench, eventually, recordHistoryIfAsked, type JourneyBench } from '@wakeflow/testing';
import type { Worker } from '@temporalio/worker';
import {
  addWinBackTemplates,
  customersNamed,
  outcomesOf,
  publishScaled,
  winBackGraph,
  winBackSettings,
} from './cohort-support';

describe('cohort executor', () => {
  let bench: JourneyBench;
  let starter: JourneyRunStarter;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    bench = await createJourneyBench({ timeSkipping: false });
    await bench.relaxSendingRules();
    await addWinBackTemplates(bench);
    // Cohorts from 40 customers on, 50 to a cohort: the entries below make several cohorts, one of them partial.
    starter = createRunStarter({
      db: bench.database.db,
      client: bench.env.client,
      cohorts: { threshold: 40, size: 50 },
    });
    worker = await bench.newWorker();
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await bench?.close();
  });

  it('carries a bulk entry through the plan: every member a run, an event ends a member’s wait', async () => {
    // A plan minute lasts 8 s: long enough for the events below to reach the first wait.
    const { journeyId } = await publishScaled(bench, winBackGraph, winBackSettings, 8_000);
    const ids = await customersNamed(bench, 'bulk', 120);
    const results = await starter.startRuns({
      workspaceId: 'test',
      journeyId,
      entries: ids.map((customerId) => ({ customerId })),
    });
    expect(results.every((r) => r.started)).toBe(true);
    const cohorts = [...new Set(results.map((r) => (r.started ? r.cohortWorkflowId : undefined)))];
    expect(cohorts).toHaveLength(3);

    // Customers 0–9 log in once they wait for it (an earlier login would not count, as for any run): their wait
    // ends at once, through their cohort.
    const returning = ids.slice(0, 10);
    await eventually(
      async () => {
        const rows = await bench.database.db
          .select({ customerId: runs.customerId, node: runs.currentNodeId })
          .from(runs)
          .where(eq(runs.journeyId, journeyId));
        const waiting = new Set(rows.filter((r) => r.node === 'wait_return').map((r) => r.customerId));
        return returning.every((id) => waiting.has(id)) ? true : undefined;
      },
      { what: 'first touches', timeoutMs: 60_000 },
    );
    for (let i = 0; i < 10; i++) await bench.event(`bulk-${i}`, 'login');
    const handle = bench.env.client.workflow.getHandle(cohorts[0]!);
    const memberState = await handle.query<RunState | null, [string]>(
      COHORT_RUN_STATE_QUERY,
      results[20]!.started ? results[20]!.runId : '',
    );
    expect(memberState?.path.slice(0, 3)).toEqual(['trigger', 'gift_email', 'gift_sms']);

    const ended = await Promise.all(
      cohorts.map((id) => bench.env.client.workflow.getHandle(id!).result() as Promise<CohortRunResult>),
    );
    const total = (outcome: string) => ended.reduce((n, r) => n + (r.outcomes[outcome] ?? 0), 0);
    expect(total('reactivated')).toBe(10);
    expect(total('still_dormant')).toBe(110);
    await recordHistoryIfAsked(bench.env.client, cohorts[2]!, 'cohort-folded-win-back');

    const outcomes = await outcomesOf(bench, journeyId);
    expect(outcomes.size).toBe(120);
    for (const [externalId, o] of outcomes) {
      const i = Number(externalId.split('-')[1]);
      expect(o.cohortWorkflowId).toBe(results[i]!.started ? results[i]!.cohortWorkflowId : null);
      expect(o.status).toBe('completed');
      const sent = o.holdout ? 'skipped' : 'sent';
      if (i < 10) {
        expect(o.outcome).toBe('reactivated');
        expect(o.path).toEqual([
          { nodeId: 'trigger', outcome: 'next' },
          { nodeId: 'gift_email', outcome: 'next' },
          { nodeId: 'gift_sms', outcome: 'next' },
          { nodeId: 'wait_return', outcome: 'login' },
          { nodeId: 'returned', outcome: 'reactivated' },
        ]);
        expect(o.messages.map((m) => [m.nodeId, m.status])).toEqual([
          ['gift_email', sent],
          ['gift_sms', sent],
        ]);
      } else {
        expect(o.outcome).toBe('still_dormant');
        expect(o.path.map((s) => s.nodeId)).toEqual([
          'trigger',
          'gift_email',
          'gift_sms',
          'wait_return',
          'second_sms',
          'wait_second',
          'still_dormant',
        ]);
        expect(o.messages.map((m) => [m.nodeId, m.status])).toEqual([
          ['gift_email', sent],
          ['gift_sms', sent],
          ['second_sms', sent],
        ]);
      }
    }
    // The holdout is the journey's hash, as for per-customer runs: some members are in it, and got nothing.
    expect([...outcomes.values()].filter((o) => o.holdout).length).toBeGreaterThan(0);
  });

  it('a stop ends every member of a cohort `stopped`; a removal ends one member `removed`', async () => {
    // A plan minute lasts 10 minutes here: the members wait until they are stopped.
    const { journeyId } = await publishScaled(bench, winBackGraph, winBackSettings, 600_000);
    const ids = await customersNamed(bench, 'stop', 60);
    const results = await starter.startRuns({
      workspaceId: 'test',
      journeyId,
      entries: ids.map((customerId) => ({ customerId })),
    });
    const cohorts = [...new Set(results.map((r) => (r.started ? r.cohortWorkflowId : undefined)))];
    expect(cohorts).toHaveLength(2);
    const waiting = () =>
      bench.database.db
        .select({
          runId: runs.id,
          workflowId: runs.workflowId,
          cohortWorkflowId: runs.cohortWorkflowId,
          node: runs.currentNodeId,
        })
        .from(runs)
        .where(eq(runs.journeyId, journeyId));
    const all = await eventually(
      async () => {
        const rows = await waiting();
        return rows.length === 60 && rows.every((r) => r.node === 'wait_return') ? rows : undefined;
      },
      { what: 'every member waiting', timeoutMs: 60_000 },
    );
    // Folded bookkeeping: to its first wait a cohort spends its node batches (which write the members' registrations
    // and steps before sending) and a write before the members' timer, not a transaction per record.
    for (const cohort of cohorts) {
      const history = await bench.env.client.workflow.getHandle(cohort!).fetchHistory();
      const activities = (history.events ?? []).flatMap((e) => {
        const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
        return name ? [name] : [];
      });
      // The SMS step defers some members (the channel's pace), so more batches may follow for them.
      expect(activities.slice(0, 2)).toEqual(['executeCohortNode', 'executeCohortNode']);
      const writes = activities.filter((a) => a === 'recordCohort').length;
      expect(writes).toBeGreaterThan(0);
      expect(writes).toBeLessThanOrEqual(activities.length - writes - 1);
    }
    const removed = all[0]!;
    expect(await signalRunControl(bench.env.client, [removed], { action: 'end', outcome: 'removed' })).toBe(
      1,
    );
    await eventually(
      async () => ((await bench.runOf(removed.workflowId))?.outcome === 'removed' ? true : undefined),
      {
        what: 'the removal',
      },
    );
    const rest = all.slice(1);
    expect(
      await signalRunControl(
        bench.env.client,
        rest,
        { action: 'end', outcome: 'stopped' },
        { wholeJourney: true },
      ),
    ).toBe(59);
    const ended = await Promise.all(
      cohorts.map((id) => bench.env.client.workflow.getHandle(id!).result() as Promise<CohortRunResult>),
    );
    expect(ended.reduce((n, r) => n + (r.outcomes.stopped ?? 0), 0)).toBe(59);
    expect(ended.reduce((n, r) => n + (r.outcomes.removed ?? 0), 0)).toBe(1);
    const outcomes = await outcomesOf(bench, journeyId);
    for (const o of outcomes.values()) {
      expect(o.status).toBe('completed');
      expect(o.path.at(-1)).toEqual({ nodeId: 'wait_return', outcome: o.outcome });
      expect(o.messages.map((m) => m.nodeId)).toEqual(['gift_email', 'gift_sms']);
    }
    await recordHistoryIfAsked(bench.env.client, cohorts[1]!, 'cohort-folded-stop-waiting');
  });
});
