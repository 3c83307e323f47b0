/**
 * Registering a custom node is all it takes: `recommend_products` and `create_service_callback_task` are in the
 * installation's catalog (what `GET /api/node-catalog` serves), validated and compiled like built-ins, and run by
 * a real worker on Temporal's time-skipping server and PostgreSQL — their outputs reach later steps' templates and
 * the service task is written once per run and step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { compileJourney, validateJourney, type JourneyGraphInput } from '@wakeflow/journey';
import { messages, serviceTasks, templates } from '@wakeflow/db';
import { createCatalog, createNodeServices } from '@wakeflow/catalog';
import { createJourneyBench, recordHistoryIfAsked, type JourneyBench } from '@wakeflow/testing';
import { createServiceCallbackTask } from '@wakeflow/custom-nodes';

const HOUR = 3_600_000;

/** The fixture of collaborative-filtering.test.ts, as purchase events: alice's expected picks are D, then E. */
const purchases: Record<string, string[]> = {
  alice: ['A', 'B', 'C'],
  bob: ['A', 'B', 'D'],
  carol: ['A', 'E'],
  dave: ['F'],
  erin: ['B', 'C', 'D', 'E'],
};

const journey: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'reco', type: 'recommend_products', config: {} },
    {
      id: 'call',
      type: 'create_service_callback_task',
      config: { reason: 'High-value customer gone quiet: offer the dedicated line' },
    },
    { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'picks' } },
    { id: 'done', type: 'exit', config: { outcome: 'done' } },
    { id: 'nothing', type: 'exit', config: { outcome: 'nothing' } },
  ],
  edges: [
    { source: 't', target: 'reco' },
    { source: 'reco', outcome: 'found', target: 'call' },
    { source: 'reco', outcome: 'none', target: 'nothing' },
    { source: 'call', target: 'mail' },
    { source: 'mail', target: 'done' },
  ],
};

describe('custom nodes in the catalog', () => {
  const catalog = createCatalog();

  it('documents both kinds with their JSON Schemas, outcomes and outputs', () => {
    const entries = new Map(catalog.describe().map((e) => [e.type, e]));
    const reco = entries.get('recommend_products');
    expect(reco).toMatchObject({
      version: 1,
      role: 'step',
      outcomes: ['found', 'none'],
      executes: 'activity',
      palette: { category: 'custom' },
    });
    expect(reco!.configSchema).toMatchObject({
      type: 'object',
      properties: {
        productProperty: { type: 'string', default: 'productId' },
        limit: { type: 'integer', default: 3, minimum: 1, maximum: 20 },
        weighting: { enum: ['binary', 'count'] },
        fallback: { enum: ['popular', 'none'] },
      },
    });
    expect(reco!.writesSchema).toMatchObject({
      properties: {
        items: {
          type: 'array',
          items: { properties: { productId: { type: 'string' }, score: { type: 'number' } } },
        },
      },
    });

    const task = entries.get('create_service_callback_task');
    expect(task).toMatchObject({ version: 1, outcomes: ['next'], executes: 'activity' });
    expect(task!.configSchema).toMatchObject({
      required: ['reason'],
      properties: {
        priority: { enum: ['low', 'normal', 'high', 'urgent'], default: 'high' },
        dueIn: { default: { amount: 48, unit: 'hours' } },
      },
    });
    expect(task!.writesSchema).toMatchObject({ properties: { taskId: {}, dueAt: {} } });
  });

  it('validates their configs like built-ins, naming the step and field', () => {
    const bad = structuredClone(journey);
    bad.nodes[1] = { id: 'reco', type: 'recommend_products', config: { limit: 0, weighting: 'magic' } };
    bad.nodes[2] = {
      id: 'call',
      type: 'create_service_callback_task',
      config: { reason: '  ', dueIn: { amount: 2, unit: 'fortnights' } },
    };
    const problems = validateJourney(bad, catalog).problems.map((p) => ({
      nodeId: p.nodeId,
      path: p.path,
      message: p.message,
    }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nodeId: 'reco', path: 'config.limit', message: 'At least 1' }),
        expect.objectContaining({ nodeId: 'reco', path: 'config.weighting' }),
        expect.objectContaining({
          nodeId: 'call',
          path: 'config.reason',
          message: 'Say why the service team should call',
        }),
        expect.objectContaining({
          nodeId: 'call',
          path: 'config.dueIn.unit',
          message: 'Choose minutes, hours, days or weeks',
        }),
      ]),
    );
  });

  it('compiles them to activity steps with defaults filled in and their versions recorded', () => {
    const plan = compileJourney(journey, {}, catalog);
    expect(plan.nodeVersions).toMatchObject({ recommend_products: 1, create_service_callback_task: 1 });
    expect(plan.steps.reco).toMatchObject({
      op: 'activity',
      nodeType: 'recommend_products',
      nodeVersion: 1,
      config: {
        productProperty: 'productId',
        event: 'purchase',
        limit: 3,
        neighbours: 20,
        weighting: 'binary',
        fallback: 'popular',
      },
      next: { found: 'call', none: 'nothing' },
      startToCloseMs: 60_000,
      retry: { maximumAttempts: 5 },
    });
    expect(plan.steps.call).toMatchObject({
      op: 'activity',
      config: { priority: 'high', dueIn: { amount: 48, unit: 'hours' } },
      startToCloseMs: 15_000,
      sendsMessage: true,
    });
  });
});

describe('custom nodes on the worker', () => {
  let bench: JourneyBench;

  /** A fresh worker per run: `runUntil` shuts its worker down afterwards. */
  function runToEnd(workflowId: string): Promise<{ outcome: string; path: string[] }> {
    return bench.withWorker(
      () =>
        bench.env.client.workflow.getHandle(workflowId).result() as Promise<{
          outcome: string;
          path: string[];
        }>,
    );
  }

  beforeAll(async () => {
    bench = await createJourneyBench();
    // The virtual clock starts at the real time of day: without this, quiet hours would defer the send some nights.
    await bench.relaxSendingRules();
    await bench.database.db.insert(templates).values({
      workspaceId: 'test',
      id: 'picks',
      channel: 'email',
      name: 'Picks',
      subject: 'Picked for you',
      body: 'Try {{ steps.reco.items[0].productId }} ({{ steps.reco.source }}); we will call you, ref {{ steps.call.taskId }}',
    });
    for (const [customer, products] of Object.entries(purchases)) {
      await bench.customer(customer);
      for (const productId of products)
        await bench.event(customer, 'purchase', { amount: 10, items: 1, category: 'music', productId });
    }
    // Purchases without the configured product property are not part of the matrix.
    await bench.event('dave', 'purchase', { amount: 99, items: 1, category: 'music' });
  });
  afterAll(async () => {
    await bench?.close();
  });

  async function runFor(externalId: string, historyName?: string) {
    const { journeyId } = await bench.publish(journey, { reentry: { mode: 'always' } });
    const customerId = await bench.customer(externalId);
    const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
    if (!started.started) throw new Error(`not started: ${started.reason}`);
    const result = await runToEnd(started.workflowId);
    if (historyName) await recordHistoryIfAsked(bench.env.client, started.workflowId, historyName);
    const run = (await bench.runOf(started.workflowId))!;
    const steps = await bench.stepsOf(run.id);
    const [message] = await bench.database.db.select().from(messages).where(eq(messages.runId, run.id));
    const tasks = await bench.database.db.select().from(serviceTasks).where(eq(serviceTasks.runId, run.id));
    return { result, run, steps, message, tasks, customerId, journeyId };
  }

  it('recommends what similar customers bought, creates the callback task, and templates read both outputs', async () => {
    const { result, run, steps, message, tasks, customerId, journeyId } = await runFor(
      'alice',
      'custom-nodes',
    );
    expect(result).toEqual({ outcome: 'done', path: ['t', 'reco', 'call', 'mail', 'done'] });
    expect(steps.map((s) => s.outcome)).toEqual(['next', 'found', 'next', 'next', 'done']);

    expect(tasks).toHaveLength(1);
    const task = tasks[0]!;
    expect(task).toMatchObject({
      workspaceId: 'test',
      customerId,
      journeyId,
      nodeId: 'call',
      reason: 'High-value customer gone quiet: offer the dedicated line',
      priority: 'high',
      status: 'open',
    });
    // Due 48 hours after the step began on the journey's clock (the activity's start, a moment after the step's record).
    const callStep = steps.find((s) => s.nodeId === 'call')!;
    expect(task.dueAt.getTime() - callStep.enteredAt.getTime()).toBeGreaterThanOrEqual(48 * HOUR);
    expect(task.dueAt.getTime() - callStep.enteredAt.getTime()).toBeLessThan(48 * HOUR + 10_000);

    expect(message).toMatchObject({ status: 'sent', nodeId: 'mail', runId: run.id });
    expect(message!.body).toBe(`Try D (similar_customers); we will call you, ref ${task.id}`);
  });

  it('falls back to the most popular products for a customer without history', async () => {
    const { result, message } = await runFor('newbie');
    expect(result.outcome).toBe('done');
    // A and B are bought by 3 of 5 buyers; alphabetical order breaks the tie.
    expect(message!.body).toMatch(/^Try A \(popular\)/);
  });

  it('takes the `none` path when there is nothing to recommend', async () => {
    const { journeyId } = await bench.publish(
      {
        ...journey,
        nodes: journey.nodes.map((n) =>
          n.id === 'reco' ? { ...n, config: { productProperty: 'sku', fallback: 'none' } } : n,
        ),
      },
      { reentry: { mode: 'always' } },
    );
    const customerId = await bench.customer('alice');
    const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
    if (!started.started) throw new Error('not started');
    const result = await runToEnd(started.workflowId);
    expect(result.outcome).toBe('nothing');
  });

  it('creates one task per run and step however often the activity runs, and none for holdout members', async () => {
    const { run, customerId, journeyId } = await runFor('bob');
    const services = createNodeServices({
      db: bench.database.db,
      publicUrl: 'http://127.0.0.1:3999',
      logger: { info: () => undefined, warn: () => undefined },
    });
    const activity = createServiceCallbackTask.definition.activity!;
    const input: Parameters<typeof activity.run>[0] = {
      runId: run.id,
      workflowId: run.workflowId,
      workspaceId: 'test',
      journeyId,
      version: run.version,
      customerId,
      nodeId: 'call',
      nodeType: 'create_service_callback_task',
      nodeVersion: 1,
      config: { reason: 'Retry me', priority: 'urgent', dueIn: { amount: 1, unit: 'days' } },
      holdout: false,
      priority: 5,
      context: { enteredAt: run.startedAt.toISOString(), steps: {} },
      at: run.startedAt.toISOString(),
    };
    const first = await activity.run(input, services);
    const second = await activity.run(input, services);
    expect(second).toEqual(first);
    const rows = await bench.database.db
      .select()
      .from(serviceTasks)
      .where(and(eq(serviceTasks.runId, run.id), eq(serviceTasks.nodeId, 'call')));
    // The journey's own step wrote the row first; the retries found it instead of adding more.
    expect(rows).toHaveLength(1);
    expect(first.output).toEqual({ taskId: rows[0]!.id, dueAt: rows[0]!.dueAt.toISOString() });

    const holdout = await activity.run({ ...input, nodeId: 'call_holdout', holdout: true }, services);
    expect(holdout).toEqual({ outcome: 'next', output: { taskId: null, dueAt: null } });
    expect(
      await bench.database.db.select().from(serviceTasks).where(eq(serviceTasks.nodeId, 'call_holdout')),
    ).toEqual([]);
  });
});
