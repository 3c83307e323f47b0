/**
 * The canonical win-back journey (DOMAIN S-AU-1) end to end on Temporal's time-skipping server and PostgreSQL:
 * exact messages with their virtual times, outcomes and recorded steps for four customers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalWinBack } from '@wakeflow/nodes';
import { templates } from '@wakeflow/db';
import { createJourneyBench, recordHistoryIfAsked, type JourneyBench } from '@wakeflow/testing';

const DAY = 86_400_000;

describe('canonical win-back journey', () => {
  let bench: JourneyBench;
  let journeyId: string;

  beforeAll(async () => {
    bench = await createJourneyBench();
    await bench.relaxSendingRules();
    await bench.database.db.insert(templates).values(
      canonicalWinBack.requires.templates.map((id) => ({
        workspaceId: 'test',
        id,
        channel: id.endsWith('sms')
          ? ('sms' as const)
          : id.endsWith('push')
            ? ('push' as const)
            : ('email' as const),
        name: id,
        subject: 'We miss you',
        body: 'Hello {{ customer.firstName | default: "there" }}, your gift is waiting.',
      })),
    );
    // No holdout: these tests follow named customers down each path, and a holdout member gets no message.
    ({ journeyId } = await bench.publish(canonicalWinBack.graph, {
      ...canonicalWinBack.settings,
      holdoutPercent: 0,
    }));
  });
  afterAll(async () => {
    await bench?.close();
  });

  /**
   * Enters one customer, plays their behaviour on the virtual clock and waits for the run to end. Customers run
   * one at a time: the time-skipping server can expire a workflow task of one run while it skips time for another.
   */
  async function journeyOf(
    externalId: string,
    behaviour: (t0: Date) => Promise<void> = async () => undefined,
  ) {
    const customerId = await bench.customer(externalId);
    const t0 = await bench.now();
    const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
    if (!started.started) throw new Error(`run for ${externalId} did not start: ${started.reason}`);
    const result = await bench.withWorker(async () => {
      await behaviour(t0);
      return (await bench.env.client.workflow.getHandle(started.workflowId).result()) as { outcome: string };
    });
    const run = (await bench.runOf(started.workflowId))!;
    const day = (d: Date | null) => Math.round(((d?.getTime() ?? NaN) - t0.getTime()) / DAY);
    const messages = (await bench.messagesOf(customerId)).map((m) => ({
      channel: m.channel,
      template: m.templateId,
      day: day(m.requestedAt),
      status: m.status,
    }));
    const steps = (await bench.stepsOf(run.id)).map((s) => [s.nodeId, day(s.enteredAt), s.outcome]);
    return {
      outcome: result.outcome,
      run,
      endedDay: day(run.endedAt),
      messages,
      steps,
      workflowId: started.workflowId,
    };
  }

  const firstWave = [
    { channel: 'email', template: 'return-gift-email', day: 0, status: 'sent' },
    { channel: 'sms', template: 'return-gift-sms', day: 0, status: 'sent' },
  ];
  const secondWave = [
    { channel: 'push', template: 'second-wave-push', day: 7, status: 'sent' },
    { channel: 'email', template: 'second-wave-email', day: 7, status: 'sent' },
  ];

  it('a customer who logs in on day 3 is reactivated after the first wave', async () => {
    const j = await journeyOf('returns-day-3', async () => {
      await bench.env.sleep('3 days');
      await bench.event('returns-day-3', 'login');
    });
    expect(j.outcome).toBe('reactivated');
    expect(j.messages).toEqual(firstWave);
    expect(j.steps).toEqual([
      ['trigger', 0, 'next'],
      ['gift_email', 0, 'next'],
      ['gift_sms', 0, 'next'],
      ['wait_return', 0, 'login'],
      ['wait_return_login', 3, 'reactivated'],
    ]);
    await recordHistoryIfAsked(
      bench.env.client,
      j.workflowId,
      'folded-bookkeeping-canonical-reactivated-early',
    );
  });

  it('a customer who logs in on day 10 is reactivated after the second wave', async () => {
    const j = await journeyOf('returns-day-10', async () => {
      await bench.env.sleep('10 days');
      await bench.event('returns-day-10', 'login');
    });
    expect(j.outcome).toBe('reactivated');
    expect(j.messages).toEqual([...firstWave, ...secondWave]);
    expect(j.steps.at(-2)).toEqual(['wait_second', 7, 'login']);
    expect(j.endedDay).toBe(10);
    await recordHistoryIfAsked(bench.env.client, j.workflowId, 'folded-bookkeeping-canonical-reactivated');
  });

  it('a customer who never returns gets both waves and ends still dormant on day 14', async () => {
    const j = await journeyOf('never-returns');
    expect(j.outcome).toBe('still_dormant');
    expect(j.messages).toEqual([...firstWave, ...secondWave]);
    expect(j.run).toMatchObject({ status: 'completed', outcome: 'still_dormant' });
    expect(j.endedDay).toBe(14);
    // Folded bookkeeping (99 events before): the start (4), the four sends (6 each), a write before each 7-day wait
    // (1 each) and the wait (5 each), the finish's write (1), the completion (1) and the patch marker (2).
    const history = await bench.env.client.workflow.getHandle(j.workflowId).fetchHistory();
    expect(history.events?.length).toBe(44);
    expect(j.steps).toEqual([
      ['trigger', 0, 'next'],
      ['gift_email', 0, 'next'],
      ['gift_sms', 0, 'next'],
      ['wait_return', 0, 'timeout'],
      ['second_push', 7, 'next'],
      ['second_email', 7, 'next'],
      ['wait_second', 7, 'timeout'],
      ['still_dormant', 14, 'still_dormant'],
    ]);
    await recordHistoryIfAsked(bench.env.client, j.workflowId, 'folded-bookkeeping-canonical-still-dormant');
  });

  it('a customer who buys on day 4 meets the goal and gets no second wave', async () => {
    const j = await journeyOf('buys-day-4', async () => {
      await bench.env.sleep('4 days');
      await bench.event('buys-day-4', 'purchase', { amount: 42.5 });
    });
    expect(j.outcome).toBe('purchased');
    expect(j.messages).toEqual(firstWave);
    expect(j.run).toMatchObject({ status: 'completed', outcome: 'purchased' });
    expect(j.endedDay).toBe(4);
    await recordHistoryIfAsked(bench.env.client, j.workflowId, 'folded-bookkeeping-canonical-goal');
  });
});
