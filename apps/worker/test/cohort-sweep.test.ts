/**
 * The audience sweep enters a page of customers through cohorts (from `WAKEFLOW_COHORT_THRESHOLD`, 100 by default)
 * and a small page one by one, on the real dev server: the runs, their messages and the sweep's counts are the same
 * either way, and a second sweep (re-entry "once") enters nobody again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { journeyTaskQueue, type JourneyGraphInput } from '@wakeflow/journey';
import { messages, runs, templates } from '@wakeflow/db';
import { createSegment, type SweepProgress } from '@wakeflow/audience';
import { createJourneyBench, eventually, type JourneyBench } from '@wakeflow/testing';
import type { Worker } from '@temporalio/worker';

describe('audience sweep through cohorts', () => {
  let bench: JourneyBench;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    bench = await createJourneyBench({ timeSkipping: false });
    await bench.relaxSendingRules();
    await bench.database.db.insert(templates).values({
      workspaceId: 'test',
      id: 'hello',
      channel: 'email',
      name: 'Hello',
      subject: 'Hi',
      body: 'Come back',
    });
    worker = await bench.newWorker({ maxCachedWorkflows: 100 });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await bench?.close();
  });

  async function sweepOf(
    tag: string,
    customers: number,
  ): Promise<{ journeyId: string; progress: SweepProgress }> {
    for (let i = 0; i < customers; i++) await bench.customer(`${tag}-${i}`, { tags: [tag] });
    await createSegment(bench.database.db, 'test', {
      id: tag,
      name: tag,
      definition: { kind: 'tag', tag, has: true },
    });
    const graph: JourneyGraphInput = {
      nodes: [
        { id: 'trigger', type: 'audience_trigger', config: { segmentId: tag } },
        { id: 'hello', type: 'send', config: { channel: 'email', templateId: 'hello' } },
        { id: 'done', type: 'exit', config: { outcome: 'done' } },
      ],
      edges: [
        { source: 'trigger', target: 'hello' },
        { source: 'hello', target: 'done' },
      ],
    };
    const { journeyId } = await bench.publish(graph, { reentry: { mode: 'once' } });
    const sweep = () =>
      bench.env.client.workflow.execute('audienceSweep', {
        taskQueue: journeyTaskQueue('test'),
        workflowId: `sweep-${tag}-${Date.now()}`,
        args: [{ workspaceId: 'test', journeyId, pageSize: 500 }],
      }) as Promise<SweepProgress>;
    const progress = await sweep();
    await eventually(
      async () => {
        const rows = await bench.database.db.select().from(runs).where(eq(runs.journeyId, journeyId));
        return rows.length === customers && rows.every((r) => r.status === 'completed') ? true : undefined;
      },
      { what: 'every run to finish', timeoutMs: 90_000 },
    );
    // Re-entry "once": nobody enters twice, through cohorts or not.
    const again = await sweep();
    expect(again.started).toBe(0);
    return { journeyId, progress };
  }

  it('a page of 150 enters as one cohort; a page of 20 enters one run per customer', async () => {
    const { db } = bench.database;
    for (const [tag, n, cohorts] of [
      ['many', 150, 1],
      ['few', 20, 0],
    ] as const) {
      const { journeyId, progress } = await sweepOf(tag, n);
      expect(progress).toMatchObject({ status: 'completed', scanned: n, matched: n, started: n });
      const rows = await db.select().from(runs).where(eq(runs.journeyId, journeyId));
      expect(new Set(rows.flatMap((r) => (r.cohortWorkflowId ? [r.cohortWorkflowId] : []))).size).toBe(
        cohorts,
      );
      expect(rows.every((r) => r.outcome === 'done' && r.entry === 1)).toBe(true);
      const sent = await db.select().from(messages).where(eq(messages.journeyId, journeyId));
      expect(sent).toHaveLength(n);
      expect(new Set(sent.map((m) => m.runId)).size).toBe(n);
    }
  });
});
