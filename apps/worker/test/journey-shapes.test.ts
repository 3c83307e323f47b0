/**
 * Each journey shape the interpreter knows, on Temporal's time-skipping server and PostgreSQL: long delays, local
 * send times, waits that are met and that time out, key-correlated waits, splits with a holdout arm, goals,
 * condition branches and profile updates. With WAKEFLOW_RECORD_HISTORIES=1 each run's history is recorded for the
 * replay gate in workflows/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { JourneyGraphInput, JourneySettingsInput } from '@wakeflow/journey';
import { customers, messages, runs, templates } from '@wakeflow/db';
import { createJourneyBench, recordHistoryIfAsked, type JourneyBench } from '@wakeflow/testing';

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

  async function run(name: string, graph: JourneyGraphInput, settings: JourneySettingsInput, customerExternalId: string, play?: () => Promise<void>) {
    const { journeyId } = await bench.publish(graph, settings);
    const customerId = await bench.customer(customerExternalId);
    const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
    if (!started.started) throw new Error(`not started: ${started.reason}`);
    const result = await bench.withWorker(async () => {
      await play?.();
      return (await bench.env.client.workflow.getHandle(started.workflowId).result()) as { outcome: string; path: string[] };
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
          { id: 'half_year', type: 'delay', config: { mode: 'duration', duration: { amount: 26, unit: 'weeks' } } },
          { id: 'tag', type: 'update_customer', config: { addTags: ['waited'], setTraits: { patience: 'high' } } },
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
        { id: 'evening', type: 'delay', config: { mode: 'local_time', time: '20:00', weekdays: [1, 2, 3, 4, 5] } },
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
        { id: 'w', type: 'wait_for_event', config: { events: [{ event: 'login' }, { event: 'app_open', outcome: 'opened' }], timeout: { amount: 3, unit: 'days' } } },
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
        { id: 'w', type: 'wait_for_event', config: { events: [{ event: 'order_paid', correlationKey: 'order_id', outcome: 'paid' }], timeout: { amount: 2, unit: 'days' } } },
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
    await bench.event('shopper', 'order_placed', { order_id: 'A-1' });
    const [runRow] = await bench.database.db.select().from(runs).where(and(eq(runs.journeyId, journeyId), eq(runs.customerId, customerId)));
    expect(runRow, 'the event trigger started a run').toBeDefined();
    const outcome = await bench.withWorker(async () => {
      await bench.env.sleep('1 hour');
      await bench.event('shopper', 'order_paid', { order_id: 'B-7' });
      await bench.env.sleep('1 hour');
      await bench.event('shopper', 'order_paid', { order_id: 'A-1' });
      return ((await bench.env.client.workflow.getHandle(runRow!.workflowId).result()) as { outcome: string }).outcome;
    });
    await recordHistoryIfAsked(bench.env.client, runRow!.workflowId, 'correlated-wait');
    expect(outcome).toBe('paid');
    const steps = await bench.stepsOf(runRow!.id);
    expect(Math.round((steps[2]!.enteredAt.getTime() - steps[1]!.enteredAt.getTime()) / 3_600_000)).toBe(2);
  });

  it('splits customers by a stable hash and never messages the holdout arm', async () => {
    const graph: JourneyGraphInput = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'ab', type: 'split', config: { arms: [{ name: 'email', percent: 50 }, { name: 'control', percent: 50, holdout: true }] } },
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
    await bench.withWorker(() => Promise.all(started.map((id) => bench.env.client.workflow.getHandle(id).result())));
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
      { goal: { event: 'purchase', filters: [{ path: 'amount', op: 'gte', value: 10 }], outcome: 'converted' } },
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
        { id: 'vip', type: 'branch', config: { condition: { kind: 'trait', field: 'traits.tier', op: 'eq', value: 'gold' } } },
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
    await bench.withWorker(() => Promise.all(ids.map((id) => bench.env.client.workflow.getHandle(id).result())));
    const held = [...firstEntry.values()].filter(Boolean).length;
    expect(held).toBeGreaterThan(3);
    expect(held).toBeLessThan(27);
    // Re-entering keeps everyone in the same group.
    for (const [customerId, wasHeld] of firstEntry) {
      const again = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
      expect(again.started && again.holdout).toBe(wasHeld);
      if (again.started) await bench.withWorker(() => bench.env.client.workflow.getHandle(again.workflowId).result());
    }
    const rows = await bench.database.db.select({ holdout: runs.holdout, status: messages.status }).from(runs).innerJoin(messages, eq(messages.runId, runs.id)).where(eq(runs.journeyId, journeyId));
    expect(rows.length).toBe(60);
    for (const r of rows) expect(r.status).toBe(r.holdout ? 'skipped' : 'sent');
  });
});
