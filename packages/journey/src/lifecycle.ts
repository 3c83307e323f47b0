/**
 * A journey's lifecycle. Stored: draft (never published), live, paused, stopped, archived. Shown: the same, except
 * that a live journey whose launch starts later is `scheduled` (derived from its live settings and the clock, so
 * nothing has to flip it at the start). Operators move a journey with the actions below (role `journeys.operate`).
 */
import type { Launch } from './settings';

export const JOURNEY_STATUSES = ['draft', 'live', 'paused', 'stopped', 'archived'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

export const JOURNEY_LIFECYCLES = ['draft', 'scheduled', 'live', 'paused', 'stopped', 'archived'] as const;
export type JourneyLifecycle = (typeof JOURNEY_LIFECYCLES)[number];

/**
 * - pause: no new entries; runs hold before their next message and go on at resume.
 * - resume: entries and messages again.
 * - stop: no new entries; every run in flight ends `stopped` at its next step without sending. Publishing again
 *   relaunches the journey.
 * - archive: hidden from the journey list and closed to entries; runs in flight are left to finish.
 */
export const LIFECYCLE_ACTIONS = {
  pause: { from: ['live'], to: 'paused' },
  resume: { from: ['paused'], to: 'live' },
  stop: { from: ['live', 'paused'], to: 'stopped' },
  archive: { from: ['draft', 'live', 'paused', 'stopped'], to: 'archived' },
} as const satisfies Record<string, { from: readonly JourneyStatus[]; to: JourneyStatus }>;
export type LifecycleAction = keyof typeof LIFECYCLE_ACTIONS;
export const LIFECYCLE_ACTION_NAMES = Object.keys(LIFECYCLE_ACTIONS) as LifecycleAction[];

/** Whether `action` may be taken from `status`. */
export function canTake(action: LifecycleAction, status: JourneyStatus): boolean {
  return (LIFECYCLE_ACTIONS[action].from as readonly JourneyStatus[]).includes(status);
}

/** What the journey is, as shown: a live journey whose start is still ahead is scheduled. */
export function journeyLifecycle(
  status: JourneyStatus,
  launch: Launch | undefined,
  now: Date,
): JourneyLifecycle {
  if (status === 'live' && launch?.startAt && now.getTime() < Date.parse(launch.startAt)) return 'scheduled';
  return status;
}
