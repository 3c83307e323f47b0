/**
 * The canonical win-back journey (DOMAIN S-AU-1) end to end on Temporal's time-skipping server and PostgreSQL:
 * exact messages with their virtual times, outcomes and recorded steps for four customers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { canonicalWinBack } from '@wakeflow/nodes';
import { templates } from '@wakeflow/db';
import { createJourneyBench, recordHistoryIfAsked, type JourneyBench } from '@wakeflow/testing';

const DAY = 86_400_000;

describe('canonical win-back journey', () => {
  let bench: JourneyBench;
  let worker: Worker;

  beforeAll(async () => {
    bench = await createJourneyBench();
    await bench.relaxSendingRules();
    worker = await bench.newWorker();
    await bench.database.db.insert(templates).values(
      canonicalWinBack.requires.templates.map((id) => ({
        workspaceId: 'test',
        id,
        channel: id.endsWith('sms') ? ('sms' as const) : id.endsWith('push') ? ('push' as const) : ('email' as const),
        name: id,
        subject: 'We miss you',
        body: 'Hello {{ customer.firstName | default: "there" }}, your gift is waiting.',
      })),
    );
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('sends each customer exactly the messages of their path, at the right virtual times', async () => {
    const { journeyId } = await bench.publish(canonicalWinBack.graph, canonicalWinBack.settings);
    const ids = {
      returnsDay3: await bench.customer('returns-day-3'),
      returnsDay10: await bench.customer('returns-day-10'),
      neverReturns: await bench.customer('never-returns'),
      buysDay4: await bench.customer('buys-day-4'),
    };
    const t0 = await bench.now();
    const started = Object.fromEntries(
      await Promise.all(
        Object.entries(ids).map(async ([name, customerId]) => {
          const result = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
          if (!result.started) throw new Error(`run for ${name} did not start: ${result.reason}`);
          return [name, result.workflowId] as const;
        }),
      ),
    ) as Record<keyof typeof ids, string>;

    const outcomes = await worker.runUntil(async () => {
      const handles = Object.fromEntries(Object.entries(started).map(([k, id]) => [k, bench.env.client.workflow.getHandle(id)]));
      // Let the first sends happen, then move the clock and play the customers' behaviour.
      await bench.env.sleep('3 days');
      await bench.event('returns-day-3', 'login');
      await bench.env.sleep('1 day');
      await bench.event('buys-day-4', 'purchase', { amount: 42.5 });
      await bench.env.sleep('6 days');
      await bench.event('returns-day-10', 'login');
      return Object.fromEntries(
        await Promise.all(Object.entries(handles).map(async ([k, h]) => [k, ((await h.result()) as { outcome: string }).outcome])),
      );
    });

    await recordHistoryIfAsked(bench.env.client, started.neverReturns, 'canonical-still-dormant');
    await recordHistoryIfAsked(bench.env.client, started.returnsDay10, 'canonical-reactivated');
    await recordHistoryIfAsked(bench.env.client, started.buysDay4, 'canonical-goal');
    expect(outcomes).toEqual({
      returnsDay3: 'reactivated',
      returnsDay10: 'reactivated',
      neverReturns: 'still_dormant',
      buysDay4: 'purchased',
    });

    const at = (d: Date | null) => Math.round(((d?.getTime() ?? NaN) - t0.getTime()) / DAY);
    const sent = async (customerId: string) =>
      (await bench.messagesOf(customerId)).map((m) => ({ channel: m.channel, template: m.templateId, day: at(m.requestedAt), status: m.status }));
    const firstWave = [
      { channel: 'email', template: 'return-gift-email', day: 0, status: 'sent' },
      { channel: 'sms', template: 'return-gift-sms', day: 0, status: 'sent' },
    ];
    const secondWave = [
      { channel: 'push', template: 'second-wave-push', day: 7, status: 'sent' },
      { channel: 'email', template: 'second-wave-email', day: 7, status: 'sent' },
    ];
    expect(await sent(ids.returnsDay3)).toEqual(firstWave);
    expect(await sent(ids.buysDay4)).toEqual(firstWave);
    expect(await sent(ids.returnsDay10)).toEqual([...firstWave, ...secondWave]);
    expect(await sent(ids.neverReturns)).toEqual([...firstWave, ...secondWave]);

    const run = await bench.runOf(started.neverReturns);
    expect(run).toMatchObject({ status: 'completed', outcome: 'still_dormant' });
    expect(at(run!.endedAt)).toBe(14);
    const steps = await bench.stepsOf(run!.id);
    expect(steps.map((s) => [s.nodeId, at(s.enteredAt), s.outcome])).toEqual([
      ['trigger', 0, 'next'],
      ['gift_email', 0, 'next'],
      ['gift_sms', 0, 'next'],
      ['wait_return', 0, 'timeout'],
      ['second_push', 7, 'next'],
      ['second_email', 7, 'next'],
      ['wait_second', 7, 'timeout'],
      ['still_dormant', 14, 'still_dormant'],
    ]);
    const returned = await bench.runOf(started.returnsDay3);
    expect((await bench.stepsOf(returned!.id)).map((s) => [s.nodeId, at(s.enteredAt), s.outcome])).toEqual([
      ['trigger', 0, 'next'],
      ['gift_email', 0, 'next'],
      ['gift_sms', 0, 'next'],
      ['wait_return', 0, 'login'],
      ['wait_return_login', 3, 'reactivated'],
    ]);
    const buyer = await bench.runOf(started.buysDay4);
    expect(buyer).toMatchObject({ status: 'completed', outcome: 'purchased' });
    expect(at(buyer!.endedAt)).toBe(4);
  });
});
