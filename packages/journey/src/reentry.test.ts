import { describe, expect, it } from 'vitest';
import { reentryRefusal } from './reentry';

const now = new Date('2026-12-07T12:00:00Z');
const startedDaysAgo = (days: number, status = 'completed') => ({
  status,
  startedAt: new Date(now.getTime() - days * 86_400_000),
});

describe('reentryRefusal', () => {
  it('lets a customer with no run in', () => {
    expect(reentryRefusal({ mode: 'once' }, undefined, now)).toBeNull();
  });

  it('refuses anyone still in a run, whatever the policy', () => {
    expect(reentryRefusal({ mode: 'always' }, startedDaysAgo(40, 'running'), now)).toBe('already_in_journey');
  });

  it('refuses a finished customer under once, and under after until the duration has passed', () => {
    expect(reentryRefusal({ mode: 'once' }, startedDaysAgo(400), now)).toBe('reentry_not_allowed');
    const after30 = { mode: 'after', duration: { amount: 30, unit: 'days' } } as const;
    expect(reentryRefusal(after30, startedDaysAgo(29), now)).toBe('reentry_not_allowed');
    expect(reentryRefusal(after30, startedDaysAgo(30), now)).toBeNull();
    expect(reentryRefusal({ mode: 'always' }, startedDaysAgo(1), now)).toBeNull();
  });
});
