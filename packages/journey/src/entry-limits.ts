/**
 * The launch rule of a journey's settings (`launch`): whether one more customer may enter now, given how many
 * entered in all, in the last hour and in the last day; and how long an audience takes to enter at those rates.
 * Pure, with the clock passed in: the run starter supplies counts from the runs table.
 */
import type { Launch } from './settings';

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

export interface EntryCounts {
  total: number;
  lastHour: number;
  lastDay: number;
}

/** Why nobody may enter now: before the start, after the end, the cap reached, or the hour's or day's rate used up. */
export const entryRefusals = ['not_started', 'ended', 'entry_cap', 'hourly_rate', 'daily_rate'] as const;
export type EntryRefusal = (typeof entryRefusals)[number];

export const ENTRY_WINDOW_MS = { hour: HOUR, day: DAY } as const;

/** Whether `now` is outside the launch window (no counting needed to know). */
export function outsideEntryWindow(launch: Launch | undefined, now: Date): 'not_started' | 'ended' | null {
  if (launch?.startAt && now.getTime() < Date.parse(launch.startAt)) return 'not_started';
  if (launch?.endAt && now.getTime() >= Date.parse(launch.endAt)) return 'ended';
  return null;
}

/** Whether the limits need the counts at all: a journey without limits never counts its runs. */
export function hasEntryLimits(launch: Launch | undefined): boolean {
  return launch?.entryCap !== undefined || launch?.perHour !== undefined || launch?.perDay !== undefined;
}

/** Whether anything in the launch settings can turn an entry away: a limit, or the window's start or end. */
export function restrictsEntries(launch: Launch | undefined): boolean {
  return hasEntryLimits(launch) || launch?.startAt !== undefined || launch?.endAt !== undefined;
}

export function entryRefusal(
  launch: Launch | undefined,
  counts: EntryCounts,
  now: Date,
): EntryRefusal | null {
  const outside = outsideEntryWindow(launch, now);
  if (outside) return outside;
  if (launch?.entryCap !== undefined && counts.total >= launch.entryCap) return 'entry_cap';
  if (launch?.perHour !== undefined && counts.lastHour >= launch.perHour) return 'hourly_rate';
  if (launch?.perDay !== undefined && counts.lastDay >= launch.perDay) return 'daily_rate';
  return null;
}

/**
 * How long from the first wave until the last of `audience` customers has entered (0 when all enter at once),
 * assuming the audience is checked at least hourly; only the first `entryCap` ever enter.
 */
export function entryDurationMs(launch: Launch | undefined, audience: number): number {
  const entering = Math.min(audience, launch?.entryCap ?? audience);
  if (entering <= 0) return 0;
  const perHour = launch?.perHour ?? Number.POSITIVE_INFINITY;
  const perDay = Math.min(launch?.perDay ?? Number.POSITIVE_INFINITY, perHour * 24);
  if (!Number.isFinite(perDay)) return 0;
  const fullDays = Math.ceil(entering / perDay) - 1;
  const lastDay = entering - fullDays * perDay;
  const hours = Number.isFinite(perHour) ? Math.ceil(lastDay / perHour) - 1 : 0;
  return fullDays * DAY + hours * HOUR;
}
