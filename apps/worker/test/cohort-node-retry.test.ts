/**
 * A cohort's node batch retried because some members failed transiently runs only those members again, on the real
 * Temporal dev server and PostgreSQL: the answers of the members that succeeded are carried to the next attempt in
 * the activity's heartbeat details, so a custom node that is not idempotent never runs twice for a member — through
 * the kind's `run` (one member at a time) and through its `runBatch` (one call for the members left).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Worker } from '@temporalio/worker';
import { runs } from '@wakeflow/db';
import { defineNode, type NodeBatchAnswer } from '@wakeflow/nodes/spec';
import { createRunStarter, type JourneyRunStarter } from '@wakeflow/temporal';
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

describe('a retried cohort node batch', () => {
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
});
