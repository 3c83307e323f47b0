/**
 * Who an audience trigger lets in (journey setting `reentry`): once ever, again after a duration, or every time
 * they re-qualify (were not in the audience at the previous completed sweep, and are now). Pure, so the policy is
 * tested on its own and the sweep only supplies the facts.
 */
import { durationToMs, type Reentry } from '@wakeflow/journey';

export interface MemberState {
  entries: number;
  lastEnteredAt: Date | null;
  lastMatchedSweep: number | null;
}

export interface SweepFacts {
  sweepId: number;
  /** Id of the last completed sweep of this journey before this one; null for the first sweep. */
  previousSweepId: number | null;
  now: Date;
}

/**
 * Under `once` and `after`, from when a member who entered last at `lastEnteredAt` may enter again (ms since the
 * epoch; Infinity: never), whatever the audience does meanwhile. A caller asking about many members every day keeps
 * this one number for each (the backtest); `mayEnter` answers by it too.
 */
export function mayEnterAgainFromMs(
  policy: Extract<Reentry, { mode: 'once' | 'after' }>,
  lastEnteredAt: Date | null,
): number {
  if (policy.mode === 'once' || lastEnteredAt === null) return Infinity;
  return lastEnteredAt.getTime() + durationToMs(policy.duration);
}

export function mayEnter(policy: Reentry, member: MemberState | undefined, sweep: SweepFacts): boolean {
  // Seen by this very sweep already (a retried page): whatever was decided then stands.
  if (member?.lastMatchedSweep === sweep.sweepId) return false;
  if (!member || member.entries === 0) return true;
  switch (policy.mode) {
    case 'once':
    case 'after':
      return sweep.now.getTime() >= mayEnterAgainFromMs(policy, member.lastEnteredAt);
    case 'always':
      // Re-qualified: never seen by a sweep (e.g. entered by an event), or absent from the previous completed
      // sweep's audience. Without a completed sweep before this one there is no proof they ever left.
      if (member.lastMatchedSweep === null) return true;
      return sweep.previousSweepId !== null && member.lastMatchedSweep < sweep.previousSweepId;
  }
}
