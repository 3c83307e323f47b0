import { describe, expect, it } from 'vitest';
import type { MachineRun } from '@wakeflow/journey/machine';
import { RunTracker, type FinishedRun } from './run-tracker';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);
const plan: MachineRun['plan'] = {
  entryStepId: 'trigger',
  steps: {
    trigger: { id: 'trigger', type: 'audience_trigger', op: 'entry', next: { next: 'wait' } },
    wait: {
      id: 'wait',
      type: 'wait_for_event',
      op: 'wait',
      events: [{ event: 'login', outcome: 'login' }],
      timeoutMs: 7 * DAY,
      timeoutOutcome: 'timeout',
      next: { login: 'back', timeout: 'gone' },
    },
    back: { id: 'back', type: 'exit', op: 'exit', outcome: 'reactivated', next: {} },
    gone: { id: 'gone', type: 'exit', op: 'exit', outcome: 'still_dormant', next: {} },
  },
  settings: { reentry: { mode: 'once' }, holdoutPercent: 0, priority: 5 },
};
const login = (customerId: string, atMs: number) => ({
  atMs,
  event: {
    eventId: `${customerId}-${atMs}`,
    name: 'login',
    properties: {},
    occurredAt: new Date(atMs).toISOString(),
  },
});

function tracker() {
  const finished: FinishedRun<string>[] = [];
  const hooks = {
    runNode: () => ({ outcome: 'next' }),
    nextLocalTime: () => {
      throw new Error('not used');
    },
  };
  const t = new RunTracker<string>(hooks, (f) => finished.push(f));
  for (const customerId of ['a', 'b', 'c'])
    t.start({ journeyId: 'j', customerId, holdout: false, plan }, t0, customerId);
  return { t, finished };
}

describe('RunTracker (backtest runs while the log streams by)', () => {
  it('finishes a run only once nothing after the horizon can change it', () => {
    const { t, finished } = tracker();
    t.advanceTo(t0 + DAY);
    // Every run would time out on day 7 if nothing happened: not final yet, the log has only reached day 1.
    expect(finished).toEqual([]);
    expect(t.size).toBe(3);
    t.addEvent('a', login('a', t0 + 3 * DAY));
    t.addEvent('z', login('z', t0 + 3 * DAY)); // no run: ignored
    t.advanceTo(t0 + 3 * DAY);
    expect(finished.map((f) => [f.info, f.result.outcome, f.result.path])).toEqual([
      ['a', 'reactivated', ['trigger', 'wait', 'back']],
    ]);
    expect(t.has('a')).toBe(false);
    t.advanceTo(t0 + 7 * DAY);
    expect(finished.slice(1).map((f) => [f.info, f.result.outcome, f.open])).toEqual([
      ['b', 'still_dormant', false],
      ['c', 'still_dormant', false],
    ]);
  });

  it('reports runs still waiting when the log ends as open, with the steps taken by then', () => {
    const { t, finished } = tracker();
    t.finishAll(t0 + 2 * DAY);
    expect(finished).toHaveLength(3);
    expect(finished.every((f) => f.open && f.horizonMs === t0 + 2 * DAY)).toBe(true);
    expect(t.size).toBe(0);
  });

  it('makes each node call once however often it is driven, and waits for a deferral due later in the day', () => {
    const mail = {
      id: 'mail',
      type: 'send',
      op: 'activity' as const,
      nodeType: 'send',
      nodeVersion: 1,
      config: {},
      startToCloseMs: 1000,
      retry: { maximumAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 1000 },
      sendsMessage: true,
      next: { next: 'wait' },
    };
    const withMail: MachineRun['plan'] = {
      ...plan,
      steps: { ...plan.steps, trigger: { ...plan.steps.trigger!, next: { next: 'mail' } }, mail },
    };
    const calls: string[] = [];
    const finished: FinishedRun<string>[] = [];
    const t = new RunTracker<string>(
      {
        // The first call is held for 6 hours (quiet hours), the second goes out.
        runNode: (call) => {
          calls.push(`${call.stepId}#${call.attempt}@${call.at}`);
          return call.attempt === 1
            ? { outcome: 'next', retryAt: new Date(Date.parse(call.at) + 6 * 3_600_000).toISOString() }
            : { outcome: 'next' };
        },
        nextLocalTime: () => {
          throw new Error('not used');
        },
      },
      (f) => finished.push(f),
    );
    const start = t0 + 12 * 3_600_000;
    t.start({ journeyId: 'j', customerId: 'a', holdout: false, plan: withMail }, start, 'a');
    t.advanceTo(start + 3_600_000);
    expect(calls).toEqual([`mail#1@${new Date(start).toISOString()}`]);
    // Events of the customer while the run waits: each drives it again, no call is repeated.
    t.addEvent('a', {
      ...login('a', start + 2 * 3_600_000),
      event: { ...login('a', 0).event, name: 'browse' },
    });
    t.advanceTo(start + 3 * 3_600_000);
    t.advanceTo(start + 7 * 3_600_000);
    expect(calls).toEqual([
      `mail#1@${new Date(start).toISOString()}`,
      `mail#2@${new Date(start + 6 * 3_600_000).toISOString()}`,
    ]);
    t.addEvent('a', login('a', start + DAY));
    t.advanceTo(start + 2 * DAY);
    expect(finished.map((f) => [f.result.outcome, f.result.path])).toEqual([
      ['reactivated', ['trigger', 'mail', 'wait', 'back']],
    ]);
    expect(calls).toHaveLength(2);
  });
});
