/**
 * Publishing a new version never changes runs already under way: they finish on the plan they entered with,
 * while new entrants get the new version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import type { JourneyGraphInput } from '@wakeflow/journey';
import { messages, templates } from '@wakeflow/db';
import { createJourneyBench, eventually, type JourneyBench } from '@wakeflow/testing';

const graph = (templateId: string, days: number): JourneyGraphInput => ({
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'wait', type: 'delay', config: { mode: 'duration', duration: { amount: days, unit: 'days' } } },
    { id: 'mail', type: 'send', config: { channel: 'email', templateId } },
    { id: 'x', type: 'exit', config: { outcome: `done_${templateId}` } },
  ],
  edges: [
    { source: 't', target: 'wait' },
    { source: 'wait', target: 'mail' },
    { source: 'mail', target: 'x' },
  ],
});

describe('journey versions', () => {
  let bench: JourneyBench;
  beforeAll(async () => {
    bench = await createJourneyBench();
    await bench.relaxSendingRules();
    await bench.database.db.insert(templates).values([
      { workspaceId: 'test', id: 'old', channel: 'email', name: 'Old', subject: 'old', body: 'old' },
      { workspaceId: 'test', id: 'new', channel: 'email', name: 'New', subject: 'new', body: 'new' },
    ]);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('lets version-1 runs finish on version 1 after version 2 is published', async () => {
    const worker = await bench.newWorker();
    const { journeyId, version: v1 } = await bench.publish(graph('old', 5));
    const early = await bench.customer('early');
    const late = await bench.customer('late');
    const first = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId: early });
    if (!first.started) throw new Error('not started');

    // One run moves at a time: the time-skipping server can expire one run's workflow task while it skips time
    // for another. The v1 run waits (5 days) while v2 is published and the v2 run (1 day) goes all the way.
    const results = await worker.runUntil(async () => {
      await eventually(async () =>
        (await bench.runOf(first.workflowId))?.currentNodeId === 'wait' ? true : undefined,
      );
      const { version: v2 } = await bench.publish(graph('new', 1), {}, journeyId);
      expect(v2).toBe(v1 + 1);
      const second = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId: late });
      if (!second.started) throw new Error('not started');
      const lateResult = (await bench.env.client.workflow.getHandle(second.workflowId).result()) as {
        outcome: string;
      };
      const earlyResult = (await bench.env.client.workflow.getHandle(first.workflowId).result()) as {
        outcome: string;
      };
      return [earlyResult, lateResult];
    });
    expect(results.map((r) => r.outcome)).toEqual(['done_old', 'done_new']);
    const earlyRun = await bench.runOf(first.workflowId);
    expect(earlyRun?.version).toBe(1);
    const sent = await bench.database.db
      .select({ templateId: messages.templateId, customerId: messages.customerId })
      .from(messages)
      .orderBy(asc(messages.createdAt));
    expect(sent.filter((m) => m.customerId === early).map((m) => m.templateId)).toEqual(['old']);
    expect(sent.filter((m) => m.customerId === late).map((m) => m.templateId)).toEqual(['new']);
    const lateRows = await bench.database.db
      .select({ id: messages.id })
      .from(messages)
      .where(eq(messages.customerId, late));
    expect(lateRows).toHaveLength(1);
  });
});
