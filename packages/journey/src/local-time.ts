/**
 * Local-time arithmetic in the customer's time zone (send windows, "wait until 20:00 on weekdays", quiet hours).
 * Luxon does the DST work: a local time that does not exist on a spring-forward day moves to the next valid instant.
 */
import { DateTime } from 'luxon';

export function parseLocalTime(time: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new Error(`Not a 24-hour time: ${time}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/**
 * The first instant strictly after `after` that is `time` on one of `weekdays` (ISO: 1 = Monday) in `timeZone`.
 * Unknown zones fall back to UTC rather than failing a run.
 */
export function nextLocalTime(
  after: Date,
  timeZone: string,
  time: string,
  weekdays: readonly number[],
): Date {
  const { hour, minute } = parseLocalTime(time);
  const allowed = new Set(weekdays.length ? weekdays : [1, 2, 3, 4, 5, 6, 7]);
  let zone = DateTime.fromJSDate(after, { zone: timeZone });
  if (!zone.isValid) zone = DateTime.fromJSDate(after, { zone: 'utc' });
  for (let day = 0; day <= 8; day++) {
    const candidate = zone
      .startOf('day')
      .plus({ days: day })
      .set({ hour, minute, second: 0, millisecond: 0 });
    if (allowed.has(candidate.weekday) && candidate.toMillis() > after.getTime()) return candidate.toJSDate();
  }
  throw new Error('unreachable: some allowed weekday occurs within 8 days');
}

/** Whether `at` falls inside a daily local window [start, end) that may wrap midnight (e.g. 21:00–08:00). */
export function isWithinLocalWindow(at: Date, timeZone: string, start: string, end: string): boolean {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const zoned = local.isValid ? local : DateTime.fromJSDate(at, { zone: 'utc' });
  const minutes = zoned.hour * 60 + zoned.minute;
  const s = parseLocalTime(start);
  const e = parseLocalTime(end);
  const from = s.hour * 60 + s.minute;
  const to = e.hour * 60 + e.minute;
  return from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}
