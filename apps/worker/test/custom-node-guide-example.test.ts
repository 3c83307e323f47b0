/**
 * docs/custom-nodes.md cannot rot: its example node is byte for byte `packages/custom-nodes/src/guide-example.ts`,
 * that node runs on the journey bench as the guide's "Test it" section says, and the guide's versioning advice holds — a v2 with
 * `migrateConfig` runs plans published against v1, and without it both the check and the worker refuse them.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { WorkflowFailedError } from '@temporalio/client';
import { planSchema, type JourneyGraphInput, type Plan } from '@wakeflow/journey';
import { customers, journeyVersions } from '@wakeflow/db';
import { checkPlanCompatibility, createBuiltinCatalog, type NodeCatalog } from '@wakeflow/nodes';
import { defineNode } from '@wakeflow/nodes/spec';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import { tagBySpend } from '@wakeflow/custom-nodes';

const guideUrl = new URL('../../../docs/custom-nodes.md', import.meta.url);
const exampleUrl = new URL('../../../packages/custom-nodes/src/guide-example.ts', import.meta.url);

const graph: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'vip', type: 'tag_by_spend', name: 'VIP tag', config: { minSpend: 500, tag: 'vip' } },
    { id: 'tagged', type: 'exit', config: { outcome: 'tagged' } },
    { id: 'below', type: 'exit', config: { outcome: 'below' } },
  ],
  edges: [
    { source: 't', target: 'vip' },
    { source: 'vip', outcome: 'tagged', target: 'tagged' },
    { source: 'vip', outcome: 'below', target: 'below' },
  ],
};

/** Version 2 as the guide's versioning section writes it: `minSpend` renamed to `threshold`. */
function tagBySpendV2(options: { migrate: boolean }) {
  const v1 = tagBySpend.definition;
  const config = z.object({ threshold: z.number().positive(), tag: z.string().regex(/^[a-z0-9_-]{1,40}$/) });
  return defineNode({
    type: 'tag_by_spend',
    version: 2,
    config,
    ...(options.migrate
      ? {
          migrateConfig: (fromVersion: number, c: Record<string, unknown>) =>
            fromVersion < 2 ? { threshold: c.minSpend, tag: c.tag } : c,
        }
      : {}),
    palette: v1.palette,
    outcomes: ['tagged', 'below'],
    describe: (c) => `Tag “${c.tag}” when lifetime spend is at least ${c.threshold}`,
    writes: v1.writes,
    activity: {
      ...v1.activity!,
      // v1's config type, so v1's batch entry (if it had one) would not fit v2's.
      runBatch: undefined,
      // v1's implementation with the renamed field, so the run proves the migrated config reached `run()`.
      run: (input, services) =>
        v1.activity!.run(
          { ...input, config: { minSpend: input.config.threshold, tag: input.config.tag } },
          services,
        ),
    },
  });
}

describe('the guide’s example', () => {
  it('is exactly the code in docs/custom-nodes.md', async () => {
    const [guide, code] = await Promise.all([readFile(guideUrl, 'utf8'), readFile(exampleUrl, 'utf8')]);
    const block =
      /<!-- guide-example: packages\/custom-nodes\/src\/guide-example\.ts -->\n```ts\n([\s\S]*?)```/.exec(
        guide,
      );
    expect(block, 'the guide lost its example block or marker').not.toBeNull();
    expect(block![1]).toBe(code);
  });

  it('is a valid node kind with a documented palette entry', () => {
    const [entry] = createBuiltinCatalog([tagBySpend])
      .describe()
      .filter((e) => e.type === 'tag_by_spend');
    expect(entry).toMatchObject({
      version: 1,
      outcomes: ['tagged', 'below'],
      executes: 'activity',
      palette: { label: 'Tag by spend' },
    });
    expect(entry!.configSchema).toMatchObject({ required: ['minSpend', 'tag'] });
    expect(tagBySpend.describe({ minSpend: 500, tag: 'vip' })).toBe(
      'Tag “vip” when lifetime spend is at least 500',
    );
  });
});

describe('the guide’s example on the bench', () => {
  let bench: JourneyBench;
  let plan: Plan;
  let journeyId: string;

  async function run(externalId: string, catalog?: NodeCatalog) {
    const customerId = await bench.customer(externalId);
    const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
    if (!started.started) throw new Error(started.reason);
    // runUntil shuts the worker down when the promise settles: a new worker for every run. A worker with another
    // catalog is what a deploy of a new node version looks like to plans already published.
    const worker = await bench.newWorker(catalog ? { catalog } : {});
    const result = worker.runUntil(
      bench.env.client.workflow.getHandle(started.workflowId).result() as Promise<{ outcome: string }>,
    );
    return { result, customerId };
  }

  async function tagsOf(customerId: string): Promise<string[]> {
    const [row] = await bench.database.db
      .select({ tags: customers.tags })
      .from(customers)
      .where(and(eq(customers.workspaceId, 'test'), eq(customers.id, customerId)));
    return row!.tags;
  }

  beforeAll(async () => {
    bench = await createJourneyBench();
    bench.catalog.register(tagBySpend);
    ({ journeyId } = await bench.publish(graph, { reentry: { mode: 'always' } }));
    const [version] = await bench.database.db
      .select({ plan: journeyVersions.plan })
      .from(journeyVersions)
      .where(eq(journeyVersions.journeyId, journeyId));
    plan = planSchema.parse(version!.plan);
    await bench.customer('big-spender');
    await bench.event('big-spender', 'purchase', { amount: 350, items: 1, category: 'music' });
    await bench.event('big-spender', 'purchase', { amount: 250, items: 2, category: 'music' });
    await bench.customer('small-spender');
    await bench.event('small-spender', 'purchase', { amount: 20, items: 1, category: 'music' });
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('tags customers whose lifetime spend reaches the amount, once however often it runs', async () => {
    const big = await run('big-spender');
    expect(await big.result).toMatchObject({ outcome: 'tagged' });
    expect(await tagsOf(big.customerId)).toEqual(['vip']);

    const small = await run('small-spender');
    expect(await small.result).toMatchObject({ outcome: 'below' });
    expect(await tagsOf(small.customerId)).toEqual([]);

    // A retried attempt after the tag was written: same answer, still one tag.
    const again = await run('big-spender');
    expect(await again.result).toMatchObject({ outcome: 'tagged' });
    expect(await tagsOf(big.customerId)).toEqual(['vip']);
  });

  it('records the version in the plan, and a v2 with migrateConfig runs v1 plans', async () => {
    expect(plan.nodeVersions.tag_by_spend).toBe(1);
    expect(plan.steps.vip).toMatchObject({
      op: 'activity',
      nodeVersion: 1,
      config: { minSpend: 500, tag: 'vip' },
    });

    const migrating = createBuiltinCatalog([tagBySpendV2({ migrate: true })]);
    expect(checkPlanCompatibility(plan, migrating)).toEqual([]);
    const { result } = await run('big-spender', migrating);
    expect(await result).toMatchObject({ outcome: 'tagged' });
  });

  it('reports a breaking v2 without migrateConfig, and the worker refuses the step', async () => {
    const breaking = createBuiltinCatalog([tagBySpendV2({ migrate: false })]);
    expect(checkPlanCompatibility(plan, breaking).map((p) => p.message)).toEqual([
      'Step vip (“VIP tag”): its “tag_by_spend” v1 config no longer parses — threshold: Invalid input: expected number, received undefined (v2 does not accept it and has no migrateConfig)',
    ]);
    const { result } = await run('big-spender', breaking);
    const error = await result.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(String((error as WorkflowFailedError).cause?.cause)).toMatch(
      /config no longer fits v2: threshold/,
    );
  });

  it('is refused by a catalog older than the plan', () => {
    const newer = createBuiltinCatalog([tagBySpendV2({ migrate: true })]);
    const planV2 = {
      ...plan,
      nodeVersions: { ...plan.nodeVersions, tag_by_spend: 2 },
      steps: {
        ...plan.steps,
        vip: { ...plan.steps.vip!, nodeVersion: 2, config: { threshold: 500, tag: 'vip' } },
      },
    } as Plan;
    expect(checkPlanCompatibility(planV2, createBuiltinCatalog([tagBySpend]))).toEqual([
      expect.objectContaining({
        code: 'node_version_too_new',
        stepId: 'vip',
        planVersion: 2,
        catalogVersion: 1,
      }),
    ]);
    expect(checkPlanCompatibility(planV2, newer)).toEqual([]);
  });
});
