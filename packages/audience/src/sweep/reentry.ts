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

export function mayEnter(policy: Reentry, member: MemberState | undefined, sweep: SweepFacts): boolean {
  // Seen by this very sweep already (a retried page): whatever was decided then stands.
  if (member?.lastMatchedSweep === sweep.sweepId) return false;
  if (!member || member.entries === 0) return true;
  switch (policy.mode) {
    case 'once':
      return false;
    case 'after':
      return (
        member.lastEnteredAt !== null &&
        sweep.now.getTime() - member.lastEnteredAt.getTime() >= durationToMs(policy.duration)
      );
    case 'always':
      // Re-qualified: never seen by a sweep (e.g. entered by an event), or absent from the previous completed
      // sweep's audience. Without a completed sweep before this one there is no proof they ever left.
      if (member.lastMatchedSweep === null) return true;
      return sweep.previousSweepId !== null && member.lastMatchedSweep < sweep.previousSweepId;
  }
}
