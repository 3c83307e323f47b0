/**
 * Random splits and control groups, on the real Temporal dev server (these journeys have no timers, so they need
 * no time skipping, and many runs at once are exactly what the time-skipping server handles badly). Assignment is
 * a stable hash, holdout members are recorded like everyone else, and they never get a message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { JourneyGraphInput } from '@wakeflow/journey';
import { messages, runs, templates } from '@wakeflow/db';
import { createJourneyBench, recordHistoryIfAsked, type JourneyBench } from '@wakeflow/testing';

describe('splits and holdouts', () => {
  let bench: JourneyBench;

  beforeAll(async () => {
    bench = await createJourneyBench({ timeSkipping: false });
    await bench.relaxSendingRules();
    await bench.database.db.insert(templates).values([
      {
        workspaceId: 'test',
        id: 'nudge',
        channel: 'email',
        name: 'Nudge',
        subject: 'Hi',
        body: 'Come back',
      },
    ]);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('splits customers by a stable hash and never messages the holdout arm', async () => {
    const graph: JourneyGraphInput = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        {
          id: 'ab',
          type: 'split',
          config: {
            arms: [
              { name: 'email', percent: 50 },
              { name: 'control', percent: 50, holdout: true },
            ],
          },
        },
        { id: 'mail_a', type: 'send', config: { channel: 'email', templateId: 'nudge' } },
        { id: 'mail_b', type: 'send', config: { channel: 'email', templateId: 'nudge' } },
        { id: 'xa', type: 'exit', config: { outcome: 'a' } },
        { id: 'xb', type: 'exit', config: { outcome: 'b' } },
      ],
      edges: [
        { source: 't', target: 'ab' },
        { source: 'ab', outcome: 'email', target: 'mail_a' },
        { source: 'ab', outcome: 'control', target: 'mail_b' },
        { source: 'mail_a', target: 'xa' },
        { source: 'mail_b', target: 'xb' },
      ],
    };
    const { journeyId } = await bench.publish(graph, {});
    const started: string[] = [];
    for (let i = 0; i < 24; i++) {
      const customerId = await bench.customer(`split-${i}`);
      const r = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
      if (r.started) started.push(r.workflowId);
    }
    await bench.withWorker(() =>
      Promise.all(started.map((id) => bench.env.client.workflow.getHandle(id).result())),
    );
    await recordHistoryIfAsked(bench.env.client, started[0]!, 'split-holdout');
    const rows = await bench.database.db.select().from(runs).where(eq(runs.journeyId, journeyId));
    const arms = rows.map((r) => r.arms.ab);
    expect(new Set(arms)).toEqual(new Set(['email', 'control']));
    for (const r of rows) {
      const [m] = await bench.database.db.select().from(messages).where(eq(messages.runId, r.id));
      if (r.arms.ab === 'control') {
        expect(r.holdout).toBe(true);
        expect(m).toMatchObject({ status: 'skipped', reason: 'holdout' });
      } else {
        expect(r.holdout).toBe(false);
        expect(m).toMatchObject({ status: 'sent' });
      }
    }
  });

  it('puts a journey-level holdout share in the control group, deterministically, with no messages', async () => {
    const graph: JourneyGraphInput = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'nudge' } },
        { id: 'x', type: 'exit', config: { outcome: 'done' } },
      ],
      edges: [
        { source: 't', target: 'mail' },
        { source: 'mail', target: 'x' },
      ],
    };
    const { journeyId } = await bench.publish(graph, { holdoutPercent: 40, reentry: { mode: 'always' } });
    const firstEntry = new Map<string, boolean>();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const customerId = await bench.customer(`holdout-${i}`);
      const r = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
      if (!r.started) throw new Error('not started');
      firstEntry.set(customerId, r.holdout);
      ids.push(r.workflowId);
    }
    await bench.withWorker(() =>
      Promise.all(ids.map((id) => bench.env.client.workflow.getHandle(id).result())),
    );
    const held = [...firstEntry.values()].filter(Boolean).length;
    expect(held).toBeGreaterThan(3);
    expect(held).toBeLessThan(27);
    // Re-entering keeps everyone in the same group.
    const again: string[] = [];
    for (const [customerId, wasHeld] of firstEntry) {
      const r = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
      expect(r.started && r.holdout).toBe(wasHeld);
      if (r.started) again.push(r.workflowId);
    }
    await bench.withWorker(() =>
      Promise.all(again.map((id) => bench.env.client.workflow.getHandle(id).result())),
    );
    const rows = await bench.database.db
      .select({ holdout: runs.holdout, status: messages.status })
      .from(runs)
      .innerJoin(messages, eq(messages.runId, runs.id))
      .where(eq(runs.journeyId, journeyId));
    expect(rows.length).toBe(60);
    for (const r of rows) expect(r.status).toBe(r.holdout ? 'skipped' : 'sent');
  });
});
