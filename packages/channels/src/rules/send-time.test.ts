import { describe, expect, it } from 'vitest';
import { defaultChannelSettings } from './channel-settings';
import { memoizeSendTime, nextAllowedSendTime } from './send-time';

const quiet = {
  ...defaultChannelSettings.quietHours,
  channels: ['email', 'sms', 'push'] as ('email' | 'sms' | 'push')[],
};
const at = (iso: string) => new Date(iso);

describe('quiet hours in the customer’s time zone', () => {
  it('depends on the customer’s zone, not the server’s', () => {
    const now = at('2026-01-15T13:30:00Z'); // 21:30 in Shanghai, 13:30 in London
    expect(nextAllowedSendTime(now, 'Asia/Shanghai', 'sms', quiet, undefined)).toEqual({
      at: at('2026-01-16T00:00:00Z'),
      reason: 'quiet_hours',
    });
    expect(nextAllowedSendTime(now, 'Europe/London', 'sms', quiet, undefined)).toEqual({
      at: now,
      reason: 'now',
    });
  });

  it('crosses the date line: late evening in Auckland is the same morning in UTC', () => {
    const now = at('2026-01-15T09:00:00Z'); // 22:00 NZDT on the 15th
    expect(nextAllowedSendTime(now, 'Pacific/Auckland', 'push', quiet, undefined).at).toEqual(
      at('2026-01-15T19:00:00Z'),
    );
  });

  it('lands on 08:00 local across spring-forward and fall-back', () => {
    // New York, 8 March 2026: 02:00 EST jumps to 03:00 EDT, so 08:00 is 12:00Z, not 13:00Z.
    expect(
      nextAllowedSendTime(at('2026-03-08T06:30:00Z'), 'America/New_York', 'sms', quiet, undefined).at,
    ).toEqual(at('2026-03-08T12:00:00Z'));
    // 1 November 2026: 02:00 EDT falls back to 01:00 EST, so 08:00 is 13:00Z.
    expect(
      nextAllowedSendTime(at('2026-11-01T05:30:00Z'), 'America/New_York', 'sms', quiet, undefined).at,
    ).toEqual(at('2026-11-01T13:00:00Z'));
  });

  it('moves an end time that does not exist (inside the DST gap) forward, never back', () => {
    const q = { ...quiet, start: '22:00', end: '02:30' };
    const now = at('2026-03-08T06:10:00Z'); // 01:10 EST, quiet
    const next = nextAllowedSendTime(now, 'America/New_York', 'sms', q, undefined).at;
    expect(next.getTime()).toBeGreaterThan(now.getTime());
    expect(next).toEqual(at('2026-03-08T07:30:00Z')); // 03:30 EDT, the first valid instant after the gap
  });

  it('applies only to the configured channels and can be switched off', () => {
    const now = at('2026-01-15T13:30:00Z');
    expect(
      nextAllowedSendTime(now, 'Asia/Shanghai', 'email', defaultChannelSettings.quietHours, undefined).reason,
    ).toBe('now');
    expect(
      nextAllowedSendTime(now, 'Asia/Shanghai', 'sms', { ...quiet, enabled: false }, undefined).reason,
    ).toBe('now');
  });

  it('treats an unknown zone as UTC instead of failing the send', () => {
    expect(
      nextAllowedSendTime(at('2026-01-15T22:00:00Z'), 'Mars/Olympus', 'sms', quiet, undefined).at,
    ).toEqual(at('2026-01-16T08:00:00Z'));
  });
});

describe('send window (S-RE-7: weekdays 20:00)', () => {
  const window = { weekdays: [1, 2, 3, 4, 5], start: '20:00', end: '21:00' };

  it('waits for 20:00 local on a weekday', () => {
    // Friday 16 January 2026, 10:00 in Shanghai.
    expect(nextAllowedSendTime(at('2026-01-16T02:00:00Z'), 'Asia/Shanghai', 'sms', quiet, window)).toEqual({
      at: at('2026-01-16T12:00:00Z'),
      reason: 'send_window',
    });
    // Saturday → Monday 20:00.
    expect(nextAllowedSendTime(at('2026-01-17T02:00:00Z'), 'Asia/Shanghai', 'sms', quiet, window).at).toEqual(
      at('2026-01-19T12:00:00Z'),
    );
    // Inside the window: now.
    const inside = at('2026-01-16T12:30:00Z');
    expect(nextAllowedSendTime(inside, 'Asia/Shanghai', 'sms', quiet, window).at).toEqual(inside);
  });

  it('reports a window that lies inside quiet hours instead of looping', () => {
    expect(() =>
      nextAllowedSendTime(at('2026-01-16T02:00:00Z'), 'Asia/Shanghai', 'sms', quiet, {
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        start: '22:00',
        end: '23:00',
      }),
    ).toThrow(/never falls outside quiet hours/);
  });
});

describe('memoizeSendTime', () => {
  it('answers as nextAllowedSendTime for every zone, channel, instant, quiet hours and window it is asked', () => {
    const memo = memoizeSendTime();
    const window = { start: '20:00', end: '22:00', weekdays: [1, 2, 3, 4, 5] };
    const off = { ...quiet, enabled: false };
    const instants = ['2026-01-15T13:30:00Z', '2026-01-15T21:30:00Z', '2026-01-17T10:00:00Z'].map(at);
    for (let round = 0; round < 2; round++)
      for (const now of instants)
        for (const zone of ['Asia/Shanghai', 'Europe/London', 'America/New_York'])
          for (const channel of ['email', 'sms'] as const)
            for (const hours of [quiet, off])
              for (const w of [undefined, window])
                expect(memo(new Date(now), zone, channel, hours, w)).toEqual(
                  nextAllowedSendTime(now, zone, channel, hours, w),
                );
  });

  it('keeps no configuration error: a window inside quiet hours throws every time', () => {
    const memo = memoizeSendTime();
    const inside = { start: '23:00', end: '23:30', weekdays: [1, 2, 3, 4, 5, 6, 7] };
    for (let i = 0; i < 2; i++)
      expect(() => memo(at('2026-01-15T12:00:00Z'), 'UTC', 'sms', quiet, inside)).toThrow(/never falls/);
  });
});
