/**
 * An experiment's winner reaching runs, on the journey bench (PostgreSQL, Temporal's time-skipping server, a real
 * worker): the run starter reads the recorded winner and passes it as workflow input (`forcedArms`); the split sends
 * every messaging draw to the winning arm behind `patched('forced-arms')`, while the holdout arm keeps its share.
 * The history of a run whose drawn arm was replaced is recorded for the replay gate (`split-forced-arm`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { stableBucket, type JourneyGraphInput } from '@wakeflow/journey';
import { defaultPayloadConverter } from '@temporalio/common';
import { experiments, messages, templates } from '@wakeflow/db';
import { createJourneyBench, recordHistoryIfAsked, type JourneyBench } from '@wakeflow/testing';

const graph: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    {
      id: 's',
      type: 'split',
      config: {
        arms: [
          { name: 'a', percent: 40 },
          { name: 'b', percent: 40 },
          { name: 'control', percent: 20, holdout: true },
        ],
      },
    },
    { id: 'email', type: 'send', config: { channel: 'email', templateId: 'nudge' } },
    { id: 'sms', type: 'send', config: { channel: 'sms', templateId: 'nudge-sms' } },
    { id: 'held', type: 'send', config: { channel: 'email', templateId: 'nudge' } },
    { id: 'd', type: 'delay', config: { mode: 'duration', duration: { amount: 3, unit: 'days' } } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', target: 's' },
    { source: 's', outcome: 'a', target: 'email' },
    { source: 's', outcome: 'b', target: 'sms' },
    { source: 's', outcome: 'control', target: 'held' },
    { source: 'email', target: 'd' },
    { source: 'sms', target: 'd' },
    { source: 'held', target: 'd' },
    { source: 'd', target: 'x' },
  ],
};

/** The arm the split draws (the interpreter's `pickArm`: cumulative percentages over a stable bucket). */
function drawnArm(journeyId: string, customerId: string): 'a' | 'b' | 'control' {
  const bucket = stableBucket(`split:${journeyId}:s:${customerId}`);
  return bucket < 40 ? 'a' : bucket < 80 ? 'b' : 'control';
}

describe('forced arms of a decided experiment', () => {
  let bench: JourneyBench;

  beforeAll(async () => {
    bench = await createJourneyBench();
    await bench.relaxSendingRules();
    await bench.database.db.insert(templates).values([
      { workspaceId: 'test', id: 'nudge', channel: 'email', name: 'Nudge', subject: 'Hi', body: 'Come back' },
      { workspaceId: 'test', id: 'nudge-sms', channel: 'sms', name: 'Nudge SMS', body: 'Come back' },
    ]);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('sends drawn messaging arms to the winner, keeps the holdout arm, and records the history', async () => {
    const db = bench.database.db;
    const { journeyId, version } = await bench.publish(graph, {});
    await db.insert(experiments).values({
      workspaceId: 'test',
      journeyId,
      version,
      splitStepId: 's',
      controlArm: 'a',
      autoWinner: true,
      status: 'winner',
      winnerArm: 'b',
      decidedAt: new Date(),
    });

    // Customers until the draws cover every arm (at least one "a" replaced by "b", and one holdout).
    const customers: { customerId: string; drawn: 'a' | 'b' | 'control' }[] = [];
    for (
      let i = 0;
      customers.filter((c) => c.drawn === 'a').length < 2 || !customers.some((c) => c.drawn === 'control');
      i++
    ) {
      if (i >= 60) throw new Error('the stable hash never drew every arm');
      const customerId = await bench.customer(`forced-${i}`);
      customers.push({ customerId, drawn: drawnArm(journeyId, customerId) });
    }

    const started: { workflowId: string; customerId: string; drawn: string }[] = [];
    await bench.withWorker(async () => {
      // One at a time: the time-skipping server handles many concurrent timers badly.
      for (const c of customers) {
        const r = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId: c.customerId });
        if (!r.started) throw new Error(`not started: ${r.reason}`);
        const handle = bench.env.client.workflow.getHandle(r.workflowId);
        await handle.result();
        // The winner reached the run as input, never read by the workflow itself.
        const history = await handle.fetchHistory();
        const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
        expect(
          defaultPayloadConverter.fromPayload<{ forcedArms?: Record<string, string> }>(payload!).forcedArms,
        ).toEqual({ s: 'b' });
        started.push({ workflowId: r.workflowId, customerId: c.customerId, drawn: c.drawn });
      }
    });

    for (const s of started) {
      const run = (await bench.runOf(s.workflowId))!;
      const expectedArm = s.drawn === 'control' ? 'control' : 'b';
      expect(run.arms).toEqual({ s: expectedArm });
      expect(run.holdout).toBe(s.drawn === 'control');
      expect(run.status).toBe('completed');
      const steps = await bench.stepsOf(run.id);
      expect(steps.map((st) => st.nodeId)).toEqual([
        't',
        's',
        expectedArm === 'b' ? 'sms' : 'held',
        'd',
        'x',
      ]);
      const sent = await db
        .select({ status: messages.status, channel: messages.channel, reason: messages.reason })
        .from(messages)
        .where(eq(messages.runId, run.id));
      expect(sent).toEqual(
        expectedArm === 'b'
          ? [{ status: 'sent', channel: 'sms', reason: null }]
          : [{ status: 'skipped', channel: 'email', reason: 'holdout' }],
      );
    }

    // New runs carry one patch marker, folded-bookkeeping, which stands for every earlier patch (forced-arms among
    // them): a replaced draw adds none of its own (runs from before it carry forced-arms; split-forced-arm.json).
    const replaced = started.find((s) => s.drawn === 'a')!;
    const patchIds = async (workflowId: string) =>
      ((await bench.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [])
        .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
        .map((e) => {
          const data = e.markerRecordedEventAttributes!.details?.['patch-data']?.payloads?.[0]?.data;
          return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { id?: string }).id : undefined;
        });
    expect(await patchIds(replaced.workflowId)).toEqual(['folded-bookkeeping']);
    expect(await patchIds(started.find((s) => s.drawn === 'control')!.workflowId)).toEqual([
      'folded-bookkeeping',
    ]);
    await recordHistoryIfAsked(bench.env.client, replaced.workflowId, 'folded-bookkeeping-split-forced-arm');
  });
});
