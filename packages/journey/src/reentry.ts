/**
 * The re-entry rule as the run starter applies it to every trigger: a customer whose last run of the journey is still
 * running may not enter again; after a finished run, `once` refuses, `after` refuses until the duration has passed
 * since that run started, `always` lets them in. (Audience sweeps also ask `mayEnter` of @wakeflow/audience, which
 * decides who re-qualified; this rule is the one every entry obeys.) Pure, so the launch estimate applies the same.
 */
import { durationToMs } from './duration';
import type { Reentry } from './settings';

export interface LastRun {
  status: string;
  startedAt: Date;
}

export type ReentryRefusal = 'already_in_journey' | 'reentry_not_allowed';

export function reentryRefusal(
  reentry: Reentry,
  last: LastRun | undefined,
  now: Date,
): ReentryRefusal | null {
  if (!last) return null;
  if (last.status === 'running') return 'already_in_journey';
  if (reentry.mode === 'once') return 'reentry_not_allowed';
  if (reentry.mode === 'after' && now.getTime() - last.startedAt.getTime() < durationToMs(reentry.duration))
    return 'reentry_not_allowed';
  return null;
}
