import { describe, expect, it } from 'vitest';
import { defaultChannelSettings } from './channel-settings';
import { capAllowance, decideFrequencyCap } from './frequency-cap';

// 3 per 7 days, 1 slot reserved for priority ≥ 8, which waits: small numbers keep the cases readable.
const cap = { ...defaultChannelSettings.frequencyCap, limit: 3 };
const now = new Date('2026-05-10T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

describe('frequency cap with journey priority', () => {
  it('leaves routine journeys 4 of the default 5 per 7 days, enough for two waves of email + SMS', () => {
    expect(capAllowance(5, defaultChannelSettings.frequencyCap)).toBe(4);
    expect(capAllowance(8, defaultChannelSettings.frequencyCap)).toBe(5);
    expect(capAllowance(5, { ...defaultChannelSettings.frequencyCap, enabled: false })).toBe(Infinity);
  });

  it('lets routine journeys use all but the reserved slot', () => {
    expect(decideFrequencyCap([daysAgo(1)], 5, now, cap)).toEqual({ action: 'send' });
    expect(decideFrequencyCap([daysAgo(1), daysAgo(2)], 5, now, cap)).toEqual({ action: 'skip' });
  });

  it('gives high-priority journeys the reserved slot, then makes them wait for the oldest to leave the window', () => {
    expect(decideFrequencyCap([daysAgo(1), daysAgo(2)], 9, now, cap)).toEqual({ action: 'send' });
    expect(decideFrequencyCap([daysAgo(1), daysAgo(6.5), daysAgo(2)], 9, now, cap)).toEqual({
      action: 'wait',
      until: new Date(daysAgo(6.5).getTime() + 7 * 86_400_000),
    });
  });

  it('skips instead of waiting longer than allowed', () => {
    expect(decideFrequencyCap([daysAgo(1), daysAgo(1), daysAgo(1)], 9, now, cap)).toEqual({ action: 'skip' });
  });

  it('ignores messages outside the window, and does nothing when disabled', () => {
    expect(decideFrequencyCap([daysAgo(8), daysAgo(9), daysAgo(1)], 5, now, cap)).toEqual({ action: 'send' });
    expect(
      decideFrequencyCap([daysAgo(1), daysAgo(1), daysAgo(1)], 1, now, { ...cap, enabled: false }),
    ).toEqual({ action: 'send' });
  });
});
