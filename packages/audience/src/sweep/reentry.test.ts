import { describe, expect, it } from 'vitest';
import { mayEnter, mayEnterAgainFromMs } from './reentry';

const now = new Date('2026-06-01T00:00:00Z');
const sweep = { sweepId: 10, previousSweepId: 9, now };
const member = (
  m: Partial<{ entries: number; lastEnteredAt: Date | null; lastMatchedSweep: number | null }>,
) => ({
  entries: 1,
  lastEnteredAt: new Date('2026-05-01T00:00:00Z'),
  lastMatchedSweep: 9,
  ...m,
});

describe('mayEnter', () => {
  it('lets everybody in the first time, whatever the policy', () => {
    for (const policy of [
      { mode: 'once' },
      { mode: 'always' },
      { mode: 'after', duration: { amount: 1, unit: 'days' } },
    ] as const) {
      expect(mayEnter(policy, undefined, sweep)).toBe(true);
    }
  });
  it('never twice within one sweep (a retried page)', () => {
    expect(mayEnter({ mode: 'always' }, member({ lastMatchedSweep: 10 }), sweep)).toBe(false);
    expect(mayEnter({ mode: 'always' }, member({ entries: 0, lastMatchedSweep: 10 }), sweep)).toBe(false);
  });
  it('once: never again', () => {
    expect(mayEnter({ mode: 'once' }, member({ lastMatchedSweep: 3 }), sweep)).toBe(false);
  });
  it('after: once the duration since the last entry has passed', () => {
    expect(mayEnter({ mode: 'after', duration: { amount: 31, unit: 'days' } }, member({}), sweep)).toBe(true);
    expect(mayEnter({ mode: 'after', duration: { amount: 32, unit: 'days' } }, member({}), sweep)).toBe(
      false,
    );
  });
  it('always: only after missing from the previous completed sweep', () => {
    expect(mayEnter({ mode: 'always' }, member({ lastMatchedSweep: 9 }), sweep)).toBe(false);
    expect(mayEnter({ mode: 'always' }, member({ lastMatchedSweep: 8 }), sweep)).toBe(true);
    expect(mayEnter({ mode: 'always' }, member({ lastMatchedSweep: null }), sweep)).toBe(true);
    // Matched only by a sweep that never completed: no proof they left.
    expect(
      mayEnter({ mode: 'always' }, member({ lastMatchedSweep: 5 }), { ...sweep, previousSweepId: null }),
    ).toBe(false);
  });
});

describe('mayEnterAgainFromMs', () => {
  const entered = new Date('2026-05-01T00:00:00Z');
  const after = { mode: 'after', duration: { amount: 30, unit: 'days' } } as const;
  it('after: the last entry plus the duration, the first instant mayEnter lets the member in', () => {
    const from = mayEnterAgainFromMs(after, entered);
    expect(from).toBe(Date.parse('2026-05-31T00:00:00Z'));
    const at = (ms: number) => ({ ...sweep, now: new Date(ms) });
    expect(mayEnter(after, member({ lastEnteredAt: entered }), at(from - 1))).toBe(false);
    expect(mayEnter(after, member({ lastEnteredAt: entered }), at(from))).toBe(true);
  });
  it('once, or no entry time known: never', () => {
    expect(mayEnterAgainFromMs({ mode: 'once' }, entered)).toBe(Infinity);
    expect(mayEnterAgainFromMs(after, null)).toBe(Infinity);
    expect(mayEnter(after, member({ lastEnteredAt: null }), sweep)).toBe(false);
  });
});
