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
});
