/**
 * Local-time arithmetic in the customer's time zone (send windows, "wait until 20:00 on weekdays", quiet hours).
 * Luxon does the DST work: a local time that does not exist on a spring-forward day moves to the next valid instant.
 */
import { DateTime, IANAZone, Zone } from 'luxon';

/** Offsets are remembered per quarter hour: no zone changes its offset twice within one. */
const OFFSET_BUCKET_MS = 15 * 60_000;
const MAX_REMEMBERED = 100_000;

/**
 * An IANA zone that remembers its offsets. Luxon asks a zone for its offset several times per operation, and
 * Intl answers each in microseconds; a backtest judges hundreds of thousands of sends in customers' zones. The
 * answer is the same as the zone's own: a quarter hour whose two ends have the same offset has it throughout
 * (offset changes are hours apart), and one that contains a change is asked of the zone every time.
 */
class RememberingZone extends Zone {
  private readonly offsets = new Map<number, number>();

  constructor(private readonly zone: IANAZone) {
    super();
  }
  override get type(): string {
    return this.zone.type;
  }
  override get name(): string {
    return this.zone.name;
  }
  override get isUniversal(): boolean {
    return false;
  }
  override get isValid(): boolean {
    return this.zone.isValid;
  }
  override offsetName(ts: number, options: Parameters<Zone['offsetName']>[1]): string | null {
    return this.zone.offsetName(ts, options);
  }
  override formatOffset(ts: number, format: Parameters<Zone['formatOffset']>[1]): string {
    return this.zone.formatOffset(ts, format);
  }
  override equals(other: Zone): boolean {
    return other.type === this.type && other.name === this.name;
  }
  override offset(ts: number): number {
    const bucket = Math.floor(ts / OFFSET_BUCKET_MS);
    const known = this.offsets.get(bucket);
    if (known !== undefined) return known;
    const first = this.zone.offset(bucket * OFFSET_BUCKET_MS);
    if (first !== this.zone.offset((bucket + 1) * OFFSET_BUCKET_MS - 1)) return this.zone.offset(ts);
    if (this.offsets.size >= MAX_REMEMBERED) this.offsets.clear();
    this.offsets.set(bucket, first);
    return first;
  }
}

const zones = new Map<string, Zone | null>();

/** The IANA zone of that name, remembering its offsets; null when the name is not one. */
function zoneNamed(name: string): Zone | null {
  let zone = zones.get(name);
  if (zone === undefined) {
    const iana = IANAZone.create(name);
    zone = iana.isValid ? new RememberingZone(iana) : null;
    zones.set(name, zone);
  }
  return zone;
}

/** `at` in the zone, or in UTC when the zone is unknown (a run must not fail on a bad zone). */
function inZone(at: Date, timeZone: string): DateTime {
  const zone = zoneNamed(timeZone);
  if (zone) return DateTime.fromJSDate(at, { zone });
  // Not an IANA name: whatever else Luxon takes (a fixed offset such as UTC+3), else UTC.
  const other = DateTime.fromJSDate(at, { zone: timeZone });
  return other.isValid ? other : DateTime.fromJSDate(at, { zone: 'utc' });
}

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
  const zone = inZone(after, timeZone);
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
  const zoned = inZone(at, timeZone);
  const minutes = zoned.hour * 60 + zoned.minute;
  const s = parseLocalTime(start);
  const e = parseLocalTime(end);
  const from = s.hour * 60 + s.minute;
  const to = e.hour * 60 + e.minute;
  return from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}
