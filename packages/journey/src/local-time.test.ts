import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isWithinLocalWindow, nextLocalTime } from './local-time';

describe('nextLocalTime', () => {
  it('finds 20:00 the same day in the customer zone when it is still ahead', () => {
    // 10:00 UTC = 11:00 in Berlin (winter) → 20:00 Berlin = 19:00 UTC.
    expect(
      nextLocalTime(
        new Date('2026-01-14T10:00:00Z'),
        'Europe/Berlin',
        '20:00',
        [1, 2, 3, 4, 5],
      ).toISOString(),
    ).toBe('2026-01-14T19:00:00.000Z');
  });

  it('skips to the next allowed weekday', () => {
    // Friday 2026-01-16 21:00 Berlin → next weekday 20:00 is Monday the 19th.
    expect(
      nextLocalTime(
        new Date('2026-01-16T20:00:00Z'),
        'Europe/Berlin',
        '20:00',
        [1, 2, 3, 4, 5],
      ).toISOString(),
    ).toBe('2026-01-19T19:00:00.000Z');
  });

  it('keeps the local hour across a DST change', () => {
    // Berlin moves to summer time on 2026-03-29: 20:00 local is 19:00 UTC before, 18:00 UTC after.
    expect(
      nextLocalTime(
        new Date('2026-03-28T19:30:00Z'),
        'Europe/Berlin',
        '20:00',
        [1, 2, 3, 4, 5, 6, 7],
      ).toISOString(),
    ).toBe('2026-03-29T18:00:00.000Z');
  });

  it('moves a time that does not exist on the spring-forward day to a valid instant', () => {
    const at = nextLocalTime(new Date('2026-03-08T00:00:00Z'), 'America/New_York', '02:30', [7]);
    expect(at.toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(nextLocalTime(new Date('2026-01-14T10:00:00Z'), 'Mars/Olympus', '12:00', []).toISOString()).toBe(
      '2026-01-14T12:00:00.000Z',
    );
  });
});

describe('isWithinLocalWindow', () => {
  it('handles windows that wrap midnight', () => {
    expect(isWithinLocalWindow(new Date('2026-01-14T22:30:00Z'), 'UTC', '21:00', '08:00')).toBe(true);
    expect(isWithinLocalWindow(new Date('2026-01-14T12:00:00Z'), 'UTC', '21:00', '08:00')).toBe(false);
    expect(isWithinLocalWindow(new Date('2026-01-14T12:00:00Z'), 'Asia/Tokyo', '21:00', '08:00')).toBe(true);
  });
});

describe('local time over many instants (offsets remembered per quarter hour)', () => {
  it('agrees with Luxon asked afresh, across DST changes and in zones with odd offsets', () => {
    // Every 7 minutes over two DST changes of each zone, then the same instants again (answered from memory).
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'UTC+3'];
    const from = Date.UTC(2026, 2, 1);
    for (const pass of [1, 2]) {
      for (const zone of zones) {
        for (let ms = from; ms < from + 250 * 86_400_000; ms += 7 * 60_000 * 61) {
          const at = new Date(ms);
          const fresh = DateTime.fromJSDate(at, { zone });
          expect(
            isWithinLocalWindow(at, zone, '02:00', '03:30'),
            `${zone} ${at.toISOString()} pass ${pass}`,
          ).toBe(fresh.hour * 60 + fresh.minute >= 120 && fresh.hour * 60 + fresh.minute < 210);
        }
      }
    }
  });
});
