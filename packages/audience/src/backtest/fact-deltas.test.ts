import { describe, expect, it } from 'vitest';
import {
  EVENT_IS_ACTIVITY,
  EVENT_IS_LOGIN,
  EVENT_IS_PURCHASE,
  FIRST_LEAF_BIT,
  foldFactEvents,
  type ClassifiedEvent,
} from './fact-deltas';

const event = (
  index: number,
  at: number,
  kind = EVENT_IS_ACTIVITY,
  amount: number | null = null,
): ClassifiedEvent => ({
  index,
  occurredAtMs: at,
  kind,
  amount,
});

describe('foldFactEvents (as-of facts of a backtest)', () => {
  it('moves last activity, login and purchase to the latest such event and adds up purchases and spend', () => {
    const [a, b] = foldFactEvents([
      event(1, 300, EVENT_IS_ACTIVITY | EVENT_IS_LOGIN),
      event(1, 100, EVENT_IS_ACTIVITY | EVENT_IS_PURCHASE, 10),
      event(1, 200, EVENT_IS_ACTIVITY | EVENT_IS_PURCHASE | (1 << FIRST_LEAF_BIT), 5.5),
      // Leaf bits are the trigger's business, not the facts'.
      event(2, 50, 1 << FIRST_LEAF_BIT),
    ]);
    expect(a).toEqual({
      index: 1,
      firstEventMs: 100,
      lastActivityMs: 300,
      lastLoginMs: 300,
      lastPurchaseMs: 200,
      purchases: 2,
      spend: 15.5,
    });
    // An event that is not activity moves nothing but the first-seen time.
    expect(b).toEqual({
      index: 2,
      firstEventMs: 50,
      lastActivityMs: null,
      lastLoginMs: null,
      lastPurchaseMs: null,
      purchases: 0,
      spend: 0,
    });
  });
});
