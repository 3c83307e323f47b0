import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { historySchema } from '../../api/review';
import { describeSeconds, durationSeconds, summariseHistory } from './history';

const recorded = (name: string) =>
  historySchema.parse(
    JSON.parse(
      readFileSync(new URL(`../../../../../workflows/histories/${name}.json`, import.meta.url), 'utf8'),
    ),
  );

describe('a run history in plain words', () => {
  it('lists the customer events a recorded run received and its timers', () => {
    const summary = summariseHistory(recorded('canonical-reactivated'));
    expect(summary.events).toBe(100);
    expect(summary.closed).toBe(true);
    expect(summary.signals.map((s) => s.event?.name)).toContain('login');
    expect(summary.signals[0]!.event!.eventId).toBe('test-2-returns-day-10-login');
    expect(summary.timers[0]).toMatchObject({
      timerId: '1',
      seconds: 604_800,
      state: 'fired',
      firesAt: '2036-12-03T04:51:13.741Z',
    });
    // A finished run waits for nothing.
    expect(summary.pendingTimer).toBeUndefined();
  });

  it('finds the wait a running run is in and when it ends', () => {
    const full = recorded('canonical-reactivated');
    const cut = full.events.findIndex((e) => 'timerStartedEventAttributes' in e);
    const summary = summariseHistory({ events: full.events.slice(0, cut + 1) });
    expect(summary.closed).toBe(false);
    expect(summary.pendingTimer).toMatchObject({ state: 'pending', firesAt: '2036-12-03T04:51:13.741Z' });
    expect(describeSeconds(summary.pendingTimer!.seconds)).toBe('7 days');
  });

  it('reads durations in both JSON spellings', () => {
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds({ seconds: '3600', nanos: 500_000_000 })).toBe(3600.5);
    expect(describeSeconds(5400)).toBe('90 minutes');
    expect(describeSeconds(45)).toBe('45 seconds');
  });
});
