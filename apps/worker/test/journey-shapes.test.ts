/**
 * Each journey shape the interpreter knows, on Temporal's time-skipping server and PostgreSQL: long delays, local
 * send times, waits that are met and that time out, key-correlated waits, splits with a holdout arm, goals,
 * condition branches and profile updates (splits and holdouts are in holdouts.test.ts). With WAKEFLOW_RECORD_HISTORIES=1 each run's history is recorded for the
 * replay gate in workflows/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { JourneyGraphInput, JourneySettingsInput } from '@wakeflow/journey';
import { customers, runs, templates } from '@wakeflow/db';
import { createJourneyBench, eventually, recordHistoryIfAsked, type JourneyBench } from '@wakeflow/testing';

const DAY = 86_400_000;

describe('journey shapes', () => {
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

  async function run(
    name: string,
    graph: JourneyGraphInput,
    settings: JourneySettingsInput,
    customerExternalId: string,
    play?: () => Promise<void>,
  ) {
    const { journeyId } = await bench.publish(graph, settings);
    const customerId = await bench.customer(customerExternalId);
    const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
    if (!started.started) throw new Error(`not started: ${started.reason}`);
    const result = await bench.withWorker(async () => {
      await play?.();
      return (await bench.env.client.workflow.getHandle(started.workflowId).result()) as {
        outcome: string;
        path: string[];
      };
    });
    await recordHistoryIfAsked(bench.env.client, started.workflowId, name);
    const row = (await bench.runOf(started.workflowId))!;
    return { ...result, run: row, steps: await bench.stepsOf(row.id), customerId, journeyId };
  }

  it('waits for months and then updates the profile', async () => {
    const t0 = await bench.now();
    const result = await run(
      'long-delay-update',
      {
        nodes: [
          { id: 't', type: 'api_trigger', config: {} },
          {
            id: 'half_year',
            type: 'delay',
            config: { mode: 'duration', duration: { amount: 26, unit: 'weeks' } },
          },
          {
            id: 'tag',
            type: 'update_customer',
            config: { addTags: ['waited'], setTraits: { patience: 'high' } },
          },
          { id: 'x', type: 'exit', config: { outcome: 'done' } },
        ],
        edges: [
          { source: 't', target: 'half_year' },
          { source: 'half_year', target: 'tag' },
          { source: 'tag', target: 'x' },
        ],
      },
      {},
      'patient',
    );
    expect(result.outcome).toBe('done');
    expect(Math.round((result.steps[2]!.enteredAt.getTime() - t0.getTime()) / DAY)).toBe(182);
    const [c] = await bench.database.db.select().from(customers).where(eq(customers.id, result.customerId));
    expect(c!.tags).toContain('waited');
    expect(c!.traits).toMatchObject({ patience: 'high' });
  });

  it('waits until 20:00 on a weekday in the customer’s own time zone', async () => {
    const graph: JourneyGraphInput = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        {
          id: 'evening',
          type: 'delay',
          config: { mode: 'local_time', time: '20:00', weekdays: [1, 2, 3, 4, 5] },
        },
        { id: 'x', type: 'exit', config: { outcome: 'done' } },
      ],
      edges: [
        { source: 't', target: 'evening' },
        { source: 'evening', target: 'x' },
      ],
    };
    const { journeyId } = await bench.publish(graph, {});
    const customerId = await bench.customer('tokyo', { timezone: 'Asia/Tokyo' });
    const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
    if (!started.started) throw new Error('not started');
    await bench.withWorker(() => bench.env.client.workflow.getHandle(started.workflowId).result());
    await recordHistoryIfAsked(bench.env.client, started.workflowId, 'local-time-delay');
    const steps = await bench.stepsOf((await bench.runOf(started.workflowId))!.id);
    const left = DateTime.fromJSDate(steps[2]!.enteredAt, { zone: 'Asia/Tokyo' });
    expect([left.hour, left.minute]).toEqual([20, 0]);
    expect(left.weekday).toBeLessThanOrEqual(5);
    expect(steps[2]!.enteredAt.getTime() - steps[1]!.enteredAt.getTime()).toBeLessThanOrEqual(4 * DAY);
  });

  it('takes the timeout path of a wait when nothing comes, and the event path when it does', async () => {
    const graph: JourneyGraphInput = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        {
          id: 'w',
          type: 'wait_for_event',
          config: {
            events: [{ event: 'login' }, { event: 'app_open', outcome: 'opened' }],
            timeout: { amount: 3, unit: 'days' },
          },
        },
        { id: 'back', type: 'exit', config: { outcome: 'back' } },
        { id: 'app', type: 'exit', config: { outcome: 'app' } },
        { id: 'gone', type: 'exit', config: { outcome: 'gone' } },
      ],
      edges: [
        { source: 't', target: 'w' },
        { source: 'w', outcome: 'login', target: 'back' },
        { source: 'w', outcome: 'opened', target: 'app' },
        { source: 'w', outcome: 'timeout', target: 'gone' },
      ],
    };
    const timedOut = await run('wait-timeout', graph, {}, 'silent');
    expect(timedOut.outcome).toBe('gone');
    const met = await run('wait-met', graph, {}, 'opener', async () => {
      await bench.env.sleep('1 day');
      await bench.event('opener', 'browse');
      await bench.event('opener', 'app_open');
    });
    expect(met.outcome).toBe('app');
    expect(met.steps.map((s) => s.outcome)).toEqual(['next', 'opened', 'app']);
  });

  it('matches a correlated wait only on the entry event’s key', async () => {
    const graph: JourneyGraphInput = {
      nodes: [
        { id: 't', type: 'event_trigger', config: { event: 'order_placed' } },
        {
          id: 'w',
          type: 'wait_for_event',
          config: {
            events: [{ event: 'order_paid', correlationKey: 'order_id', outcome: 'paid' }],
            timeout: { amount: 2, unit: 'days' },
          },
        },
        { id: 'paid', type: 'exit', config: { outcome: 'paid' } },
        { id: 'unpaid', type: 'exit', config: { outcome: 'unpaid' } },
      ],
      edges: [
        { source: 't', target: 'w' },
        { source: 'w', outcome: 'paid', target: 'paid' },
        { source: 'w', outcome: 'timeout', target: 'unpaid' },
      ],
    };
    const { journeyId } = await bench.publish(graph, { reentry: { mode: 'always' } });
    const customerId = await bench.customer('shopper');
    const { outcome, runRow } = await bench.withWorker(async () => {
      await bench.event('shopper', 'order_placed', { order_id: 'A-1' });
      // The event trigger started the run; its row appears once the worker has registered it.
      const row = await eventually(async () => {
        const [r] = await bench.database.db
          .select()
          .from(runs)
          .where(and(eq(runs.journeyId, journeyId), eq(runs.customerId, customerId)));
        return r;
      });
      await bench.env.sleep('1 hour');
      await bench.event('shopper', 'order_paid', { order_id: 'B-7' });
      await bench.env.sleep('1 hour');
      await bench.event('shopper', 'order_paid', { order_id: 'A-1' });
      const result = (await bench.env.client.workflow.getHandle(row.workflowId).result()) as {
        outcome: string;
      };
      return { outcome: result.outcome, runRow: row };
    });
    await recordHistoryIfAsked(bench.env.client, runRow!.workflowId, 'correlated-wait');
    expect(outcome).toBe('paid');
    const steps = await bench.stepsOf(runRow!.id);
    expect(Math.round((steps[2]!.enteredAt.getTime() - steps[1]!.enteredAt.getTime()) / 3_600_000)).toBe(2);
  });

  it('ends the run as converted when the goal happens during a delay', async () => {
    const t0 = await bench.now();
    const result = await run(
      'goal-during-delay',
      {
        nodes: [
          { id: 't', type: 'api_trigger', config: {} },
          { id: 'd', type: 'delay', config: { mode: 'duration', duration: { amount: 10, unit: 'days' } } },
          { id: 'mail', type: 'send', config: { channel: 'sms', templateId: 'nudge-sms' } },
          { id: 'x', type: 'exit', config: { outcome: 'nudged' } },
        ],
        edges: [
          { source: 't', target: 'd' },
          { source: 'd', target: 'mail' },
          { source: 'mail', target: 'x' },
        ],
      },
      {
        goal: {
          event: 'purchase',
          filters: [{ path: 'amount', op: 'gte', value: 10 }],
          outcome: 'converted',
        },
      },
      'buyer',
      async () => {
        await bench.env.sleep('1 day');
        await bench.event('buyer', 'purchase', { amount: 5 });
        await bench.env.sleep('1 day');
        await bench.event('buyer', 'purchase', { amount: 25 });
      },
    );
    expect(result.outcome).toBe('converted');
    expect(Math.round((result.run.endedAt!.getTime() - t0.getTime()) / DAY)).toBe(2);
    expect(await bench.messagesOf(result.customerId)).toEqual([]);
  });

  it('branches on the customer’s traits', async () => {
    const graph: JourneyGraphInput = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        {
          id: 'vip',
          type: 'branch',
          config: { condition: { kind: 'trait', field: 'traits.tier', op: 'eq', value: 'gold' } },
        },
        { id: 'yes', type: 'exit', config: { outcome: 'vip' } },
        { id: 'no', type: 'exit', config: { outcome: 'regular' } },
      ],
      edges: [
        { source: 't', target: 'vip' },
        { source: 'vip', outcome: 'yes', target: 'yes' },
        { source: 'vip', outcome: 'no', target: 'no' },
      ],
    };
    await bench.customer('gold-member', { traits: { tier: 'gold' } });
    const gold = await run('branch-yes', graph, {}, 'gold-member');
    expect(gold.outcome).toBe('vip');
    await bench.customer('plain-member', { traits: { tier: 'bronze' } });
    const plain = await run('branch-no', graph, {}, 'plain-member');
    expect(plain.outcome).toBe('regular');
  });
});
