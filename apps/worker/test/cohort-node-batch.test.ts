/**
 * The checks a run's step passes before its node runs hold for a cohort's batch too, for every member (a paused
 * journey's hold, an unknown kind, a kind older than the plan). A cohort's node batch retried because some members failed transiently runs only those members again, on the real
 * Temporal dev server and PostgreSQL: the answers of the members that succeeded are carried to the next attempt in
 * the activity's heartbeat details, so a custom node that is not idempotent never runs twice for a member — through
 * the kind's `run` (one member at a time) and through its `runBatch` (one call for the members left).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { journeys, runs } from '@wakeflow/db';
import type { CohortNodeBatch } from '@wakeflow/journey';
import { createNodeServices } from '@wakeflow/catalog';
import { defineNode, type NodeBatchAnswer } from '@wakeflow/nodes/spec';
import { createCohortActivities, createRunStarter, type JourneyRunStarter } from '@wakeflow/temporal';
import { createJourneyBench, eventually, type JourneyBench } from '@wakeflow/testing';
import { customersNamed } from './cohort-support';

/** Calls of each kind per customer, and the customers of each `runBatch` call. */
const calls = new Map<string, number>();
const batches: string[][] = [];
/** Customers whose first call fails transiently (a provider that is briefly down). */
const failOnce = new Set<string>();

const tally = (kind: string, customerId: string): number => {
  const key = `${kind}:${customerId}`;
  const n = (calls.get(key) ?? 0) + 1;
  calls.set(key, n);
  return n;
};

const common = {
  version: 1,
  config: z.object({}),
  palette: {
    label: 'Tally',
    description: 'Counts its calls',
    icon: 'hash',
    category: 'custom',
    color: '#888',
  },
  outcomes: ['next'],
  describe: () => 'Counts its calls',
} as const;
const retry = { initialIntervalMs: 200, backoffCoefficient: 1, maximumAttempts: 5 };

const tallyEach = defineNode({
  ...common,
  type: 'tally_each',
  activity: {
    retry,
    async run(input) {
      if (tally('each', input.customerId) === 1 && failOnce.has(input.customerId))
        throw new Error('provider briefly down');
      return { outcome: 'next' };
    },
  },
});

const tallyBatch = defineNode({
  ...common,
  type: 'tally_batch',
  activity: {
    retry,
    run: () => Promise.reject(new Error('a cohort calls runBatch')),
    async runBatch(inputs) {
      batches.push(inputs.map((i) => i.customerId));
      return inputs.map((input): NodeBatchAnswer => {
        if (tally('batch', input.customerId) === 1 && failOnce.has(input.customerId))
          return { error: 'provider briefly down', retryable: true };
        return { result: { outcome: 'next' } };
      });
    },
  },
});

const graphWith = (type: string) => ({
  nodes: [
    { id: 'trigger', type: 'api_trigger', config: {} },
    { id: 'tally', type, config: {} },
    { id: 'done', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 'trigger', target: 'tally' },
    { source: 'tally', target: 'done' },
  ],
});

describe('a cohort node batch', () => {
  let bench: JourneyBench;
  let starter: JourneyRunStarter;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    bench = await createJourneyBench({ timeSkipping: false });
    bench.catalog.register(tallyEach).register(tallyBatch);
    starter = createRunStarter({
      db: bench.database.db,
      client: bench.env.client,
      cohorts: { threshold: 10, size: 50 },
    });
    worker = await bench.newWorker({ maxCachedWorkflows: 10 });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await bench?.close();
  });

  async function enterCohort(type: string, prefix: string) {
    const { journeyId } = await bench.publish(graphWith(type));
    const ids = await customersNamed(bench, prefix, 30);
    for (const id of ids.slice(0, 3)) failOnce.add(id);
    const results = await starter.startRuns({
      workspaceId: 'test',
      journeyId,
      entries: ids.map((customerId) => ({ customerId })),
    });
    expect(new Set(results.map((r) => (r.started ? r.cohortWorkflowId : undefined))).size).toBe(1);
    await eventually(
      async () => {
        const rows = await bench.database.db
          .select({ status: runs.status, outcome: runs.outcome })
          .from(runs)
          .where(eq(runs.journeyId, journeyId));
        return rows.length === ids.length && rows.every((r) => r.outcome === 'done') ? rows : undefined;
      },
      { what: 'every member done', timeoutMs: 60_000 },
    );
    return ids;
  }

  it('runs the node again only for the members that failed, one by one', async () => {
    const ids = await enterCohort('tally_each', 'each');
    const counts = ids.map((id) => calls.get(`each:${id}`));
    expect(counts.slice(0, 3)).toEqual([2, 2, 2]);
    expect(counts.slice(3)).toEqual(ids.slice(3).map(() => 1));
  });

  it('calls runBatch again with only the members that failed', async () => {
    const ids = await enterCohort('tally_batch', 'batch');
    expect(batches).toHaveLength(2);
    expect(new Set(batches[0])).toEqual(new Set(ids));
    expect(new Set(batches[1])).toEqual(new Set(ids.slice(0, 3)));
    expect(ids.map((id) => calls.get(`batch:${id}`))).toEqual(ids.map((_, i) => (i < 3 ? 2 : 1)));
  });

  it('holds every member at a message step of a paused journey, and fails every member the worker cannot run', async () => {
    const { db } = bench.database;
    const [paused] = await db
      .insert(journeys)
      .values({ workspaceId: 'test', name: 'paused', draftGraph: {}, status: 'paused' })
      .returning({ id: journeys.id });
    const activities = createCohortActivities({
      db,
      catalog: bench.catalog,
      services: createNodeServices({
        db,
        publicUrl: 'http://127.0.0.1:3999',
        logger: { info: () => undefined, warn: () => undefined },
      }),
      pauseHoldMs: 60_000,
    });
    const at = '2026-12-07T10:00:00.000Z';
    const batch = (step: Partial<CohortNodeBatch>): CohortNodeBatch => ({
      workspaceId: 'test',
      journeyId: paused!.id,
      version: 1,
      cohortWorkflowId: 'cohort/test',
      nodeId: 'gift_email',
      nodeType: 'send',
      nodeVersion: 1,
      config: { channel: 'email', templateId: 'gift-email' },
      priority: 5,
      maximumAttempts: 3,
      concurrency: 4,
      members: ['a', 'b', 'c'].map((c, i) => ({
        runId: randomUUID(),
        customerId: randomUUID(),
        entry: i + 1,
        holdout: false,
        at,
        context: { enteredAt: at, steps: {} },
      })),
      ...step,
    });
    expect(await activities.executeCohortNode(batch({}))).toEqual(
      [1, 2, 3].map(() => ({ result: { outcome: 'held', retryAt: '2026-12-07T10:01:00.000Z', held: true } })),
    );
    const unknown = await activities.executeCohortNode(batch({ nodeType: 'no_such_kind' }));
    expect(unknown.map((a) => ('error' in a ? a.error : a))).toEqual(
      [1, 2, 3].map(() => expect.stringContaining('no node kind “no_such_kind”')),
    );
    const tooNew = await activities.executeCohortNode(batch({ nodeVersion: 9 }));
    expect(tooNew.map((a) => ('error' in a ? a.error : a))).toEqual(
      [1, 2, 3].map(() => expect.stringContaining('version 9')),
    );
  });
});
