import { describe, expect, it } from 'vitest';
import { entryDurationMs, entryRefusal, hasEntryLimits, outsideEntryWindow } from './entry-limits';
import { journeySettingsSchema } from './settings';

const HOUR = 3_600_000;
const now = new Date('2026-12-07T12:00:00Z');
const none = { total: 0, lastHour: 0, lastDay: 0 };

describe('entry limits', () => {
  it('lets nobody in before the start or from the end on', () => {
    const launch = { startAt: '2026-12-07T13:00:00Z', endAt: '2026-12-08T00:00:00Z' };
    expect(outsideEntryWindow(launch, now)).toBe('not_started');
    expect(entryRefusal(launch, none, new Date('2026-12-07T13:00:00Z'))).toBeNull();
    expect(entryRefusal(launch, none, new Date('2026-12-08T00:00:00Z'))).toBe('ended');
  });

  it('refuses at the cap and when the hour or the day is used up', () => {
    const launch = { entryCap: 100, perHour: 10, perDay: 50 };
    expect(hasEntryLimits(launch)).toBe(true);
    expect(hasEntryLimits({ startAt: '2026-12-07T13:00:00Z' })).toBe(false);
    expect(entryRefusal(launch, { total: 99, lastHour: 9, lastDay: 49 }, now)).toBeNull();
    expect(entryRefusal(launch, { total: 100, lastHour: 0, lastDay: 0 }, now)).toBe('entry_cap');
    expect(entryRefusal(launch, { total: 10, lastHour: 10, lastDay: 10 }, now)).toBe('hourly_rate');
    expect(entryRefusal(launch, { total: 50, lastHour: 0, lastDay: 50 }, now)).toBe('daily_rate');
    expect(entryRefusal(undefined, { total: 1e6, lastHour: 1e6, lastDay: 1e6 }, now)).toBeNull();
  });

  it('says how long an audience takes to enter in waves', () => {
    expect(entryDurationMs(undefined, 500_000)).toBe(0);
    expect(entryDurationMs({ perHour: 100 }, 100)).toBe(0);
    expect(entryDurationMs({ perHour: 100 }, 250)).toBe(2 * HOUR);
    // 1,000 a day at 100 an hour: ten hours a day, three days for 2,500.
    expect(entryDurationMs({ perHour: 100, perDay: 1_000 }, 2_500)).toBe(2 * 24 * HOUR + 4 * HOUR);
    expect(entryDurationMs({ perDay: 1_000, entryCap: 1_000 }, 500_000)).toBe(0);
  });

  it('names the field of a bad setting', () => {
    const bad = journeySettingsSchema.safeParse({
      launch: { perHour: 0, startAt: '2026-12-08T00:00:00Z', endAt: '2026-12-07T00:00:00Z' },
    });
    expect(bad.success).toBe(false);
    const issues = bad.error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toContainEqual([
      'launch.perHour',
      'Entries per hour: at least 1 (leave it empty for no limit)',
    ]);
  });
});
