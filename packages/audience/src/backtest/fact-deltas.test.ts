import { describe, expect, it } from 'vitest';
import { foldFactEvents, type ClassifiedEvent } from './fact-deltas';

const event = (customerId: string, at: number, kind: Partial<ClassifiedEvent> = {}): ClassifiedEvent => ({
  customerId,
  occurredAtMs: at,
  isActivity: true,
  isLogin: false,
  isPurchase: false,
  amount: 0,
  ...kind,
});

describe('foldFactEvents (as-of facts of a backtest)', () => {
  it('moves last activity, login and purchase to the latest such event and adds up purchases and spend', () => {
    const [a, b] = foldFactEvents([
      event('a', 300, { isLogin: true }),
      event('a', 100, { isPurchase: true, amount: 10 }),
      event('a', 200, { isPurchase: true, amount: 5.5 }),
      event('b', 50, { isActivity: false }),
    ]);
    expect(a).toEqual({
      customerId: 'a',
      firstEventMs: 100,
      lastActivityMs: 300,
      lastLoginMs: 300,
      lastPurchaseMs: 200,
      purchases: 2,
      spend: 15.5,
    });
    // An event that is not activity moves nothing but the first-seen time.
    expect(b).toEqual({
      customerId: 'b',
      firstEventMs: 50,
      lastActivityMs: null,
      lastLoginMs: null,
      lastPurchaseMs: null,
      purchases: 0,
      spend: 0,
    });
  });
});
