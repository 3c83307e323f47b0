import { describe, expect, it } from 'vitest';
import { daysInactive, dormancyStage } from './variables';

describe('derived customer facts', () => {
  it('computes days since the latest activity and the S-ID-3 stage', () => {
    const now = new Date('2026-07-01T00:00:00Z');
    expect(
      daysInactive(
        {
          lastActivityAt: new Date('2026-03-01T00:00:00Z'),
          lastLoginAt: new Date('2026-05-01T00:00:00Z'),
          lastPurchaseAt: null,
        },
        now,
      ),
    ).toBe(61);
    expect(daysInactive({ lastActivityAt: null, lastLoginAt: null, lastPurchaseAt: null }, now)).toBeNull();
    expect([0, 29, 30, 89, 90, 179, 180, 364, 365].map(dormancyStage)).toEqual([
      'active',
      'active',
      'early',
      'early',
      'mid',
      'mid',
      'late',
      'late',
      'deep',
    ]);
  });
});
