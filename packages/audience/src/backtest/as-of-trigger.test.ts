import { describe, expect, it } from 'vitest';
import type { Condition } from '@wakeflow/journey';
import { defaultAudienceSettings } from '../settings';
import { AsOfFacts } from './as-of-facts';
import { AsOfTrigger } from './as-of-trigger';
import { MAX_EVENT_LEAVES } from './fact-deltas';

/** Logged in (ever) a number of times: `eq` to it, or at least (`gte`) it. */
const loggedIn = (times: number, op: 'eq' | 'gte' = 'gte'): Condition => ({
  kind: 'event',
  event: 'login',
  window: { type: 'ever' },
  count: { op, value: times },
});

const planOf = (leaves: number) =>
  AsOfTrigger.plan(
    {
      condition: { kind: 'or', conditions: Array.from({ length: leaves }, (_, i) => loggedIn(i + 1)) },
      segments: new Map(),
      settings: defaultAudienceSettings,
    },
    new AsOfFacts(3),
  );

describe('AsOfTrigger.plan', () => {
  it('plans as many event leaves as the cursor has bits for, and says why it cannot plan more', () => {
    expect(planOf(MAX_EVENT_LEAVES)).toBeInstanceOf(AsOfTrigger);
    expect(planOf(MAX_EVENT_LEAVES + 1)).toEqual({
      unsupported: `more than ${MAX_EVENT_LEAVES} event conditions are evaluated in SQL`,
    });
  });

  it('counts an event for the leaves whose bit is set, and only those', () => {
    // Exactly one event counted by the first leaf, and none by the second.
    const trigger = AsOfTrigger.plan(
      {
        condition: { kind: 'and', conditions: [loggedIn(1, 'eq'), loggedIn(0, 'eq')] },
        segments: new Map(),
        settings: defaultAudienceSettings,
      },
      new AsOfFacts(3),
    );
    if (!(trigger instanceof AsOfTrigger)) throw new Error(trigger.unsupported);
    trigger.nowMs = 1_000;
    trigger.applyEvent(1, 500, 0b01);
    trigger.applyEvent(2, 500, 0b11);
    trigger.applyEvent(3, 500, 0b10);
    expect([1, 2, 3].map((i) => trigger.matches(i))).toEqual([true, false, false]);
  });
});
