import { describe, expect, it } from 'vitest';
import type { CustomerEventPayload, NodeActivityResult, PlanStep } from '../index';
import type { MachineRun } from './journey-machine';
import { runOnVirtualClock, runOnVirtualClockAsync, type VirtualNodeCall } from './virtual-run';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-12-07T09:00:00.000Z');

const activity = (id: string, next: string): PlanStep => ({
  id,
  type: 'send',
  op: 'activity',
  nodeType: 'send',
  nodeVersion: 1,
  config: {},
  startToCloseMs: 10_000,
  retry: { maximumAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 10_000 },
  sendsMessage: true,
  next: { next },
});

/** Trigger → send (deferred once by 5 hours) → wait 3 days for a login → exits. */
const run: MachineRun = {
  journeyId: 'j',
  customerId: 'c',
  holdout: false,
  plan: {
    entryStepId: 't',
    steps: {
      t: { id: 't', type: 'api_trigger', op: 'entry', next: { next: 'mail' } },
      mail: activity('mail', 'w'),
      w: {
        id: 'w',
        type: 'wait_for_event',
        op: 'wait',
        events: [{ event: 'login', outcome: 'login' }],
        timeoutMs: 3 * DAY,
        timeoutOutcome: 'timeout',
        next: { login: 'back', timeout: 'gone' },
      },
      back: { id: 'back', type: 'exit', op: 'exit', outcome: 'reactivated', next: {} },
      gone: { id: 'gone', type: 'exit', op: 'exit', outcome: 'still_dormant', next: {} },
    },
    settings: { reentry: { mode: 'once' }, holdoutPercent: 0, priority: 5 },
  },
};

const login: CustomerEventPayload = {
  eventId: 'e1',
  name: 'login',
  properties: {},
  occurredAt: new Date(START + DAY).toISOString(),
};

function answer(call: VirtualNodeCall): NodeActivityResult {
  return call.attempt === 1
    ? { outcome: 'next', retryAt: new Date(Date.parse(call.at) + 5 * HOUR).toISOString() }
    : { outcome: 'next', output: { at: call.at } };
}
const nextLocalTime = ({ after }: { after: string }) => after;

describe('runOnVirtualClockAsync', () => {
  it('gives the same run as the synchronous driver', async () => {
    const options = { startMs: START, events: [{ atMs: START + DAY, event: login }] };
    const sync = runOnVirtualClock(run, { ...options, hooks: { runNode: answer, nextLocalTime } });
    const async = await runOnVirtualClockAsync(run, {
      ...options,
      hooks: { runNode: (call) => Promise.resolve(answer(call)), nextLocalTime },
    });
    expect(async).toEqual(sync);
    expect(async.outcome).toBe('reactivated');
    expect(async.nodeCalls.map((c) => [c.attempt, c.at])).toEqual([
      [1, new Date(START).toISOString()],
      [2, new Date(START + 5 * HOUR).toISOString()],
    ]);
  });

  it('fails the run with the message of a rejected node', async () => {
    const result = await runOnVirtualClockAsync(run, {
      startMs: START,
      hooks: { runNode: () => Promise.reject(new Error('no template')), nextLocalTime },
    });
    expect(result).toMatchObject({ status: 'failed', reason: 'no template', path: ['t', 'mail'] });
  });
});

describe('a run on the virtual clock up to a horizon', () => {
  it('stops open where it would wait past the horizon: the first touch is what happens at entry', () => {
    const sent = (call: VirtualNodeCall): NodeActivityResult => ({
      outcome: 'next',
      output: { at: call.at },
    });
    const firstTouch = runOnVirtualClock(run, {
      startMs: START,
      untilMs: START,
      hooks: { runNode: sent, nextLocalTime },
    });
    expect(firstTouch.status).toBe('open');
    expect(firstTouch.path).toEqual(['t', 'mail', 'w']);
    expect(firstTouch.nodeCalls.map((c) => c.stepId)).toEqual(['mail']);
    // A send held for 5 hours is not retried before the horizon.
    const held = runOnVirtualClock(run, {
      startMs: START,
      untilMs: START,
      hooks: { runNode: answer, nextLocalTime },
    });
    expect(held.status).toBe('open');
    expect(held.nodeCalls).toHaveLength(1);
    // Without a horizon the same run goes to its end.
    expect(runOnVirtualClock(run, { startMs: START, hooks: { runNode: sent, nextLocalTime } }).status).toBe(
      'completed',
    );
  });
});
