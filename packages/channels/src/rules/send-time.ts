/**
 * When a message may go out: outside the workspace's quiet hours and inside the send node's window, both in the
 * customer's time zone. A send at a forbidden time is delayed to the next allowed instant, never dropped.
 * DST is handled by the local-time helpers of @wakeflow/journey (a local time that does not exist moves forward).
 */
import { isWithinLocalWindow, nextLocalTime } from '@wakeflow/journey';
import type { SendWindow } from '@wakeflow/nodes/spec';
import type { ChannelSettings } from './channel-settings';
import type { MessageChannel } from './consent';

const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];

function isoWeekday(at: Date, timeZone: string): number {
  let name: string;
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(at);
  } catch {
    name = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short' }).format(at);
  }
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(name) + 1;
}

export interface SendTimeDecision {
  /** The first allowed instant at or after `now` (equal to `now` when sending now is fine). */
  at: Date;
  reason: 'now' | 'quiet_hours' | 'send_window';
}

/**
 * Walks forward from `now`: out of quiet hours, then into the window, until both hold. A window that lies entirely
 * inside quiet hours can never be met: that is a configuration error, reported instead of looping.
 */
export function nextAllowedSendTime(
  now: Date,
  timeZone: string,
  channel: MessageChannel,
  quietHours: ChannelSettings['quietHours'],
  window: SendWindow | undefined,
): SendTimeDecision {
  const quiet =
    quietHours.enabled && quietHours.channels.includes(channel) && quietHours.start !== quietHours.end;
  let at = now;
  let reason: SendTimeDecision['reason'] = 'now';
  for (let step = 0; step < 32; step++) {
    if (quiet && isWithinLocalWindow(at, timeZone, quietHours.start, quietHours.end)) {
      at = nextLocalTime(at, timeZone, quietHours.end, ALL_DAYS);
      if (reason === 'now') reason = 'quiet_hours';
      continue;
    }
    if (
      window &&
      !(
        window.weekdays.includes(isoWeekday(at, timeZone)) &&
        isWithinLocalWindow(at, timeZone, window.start, window.end)
      )
    ) {
      at = nextLocalTime(at, timeZone, window.start, window.weekdays.length ? window.weekdays : ALL_DAYS);
      if (reason === 'now') reason = 'send_window';
      continue;
    }
    return { at, reason };
  }
  throw new Error(
    `The send window ${window?.start}–${window?.end} never falls outside quiet hours ${quietHours.start}–${quietHours.end}`,
  );
}

export type SendTimeJudge = typeof nextAllowedSendTime;

/** Answers a memo keeps before it starts again (a backtest asks about a few instants per day and zone). */
const MEMO_LIMIT = 100_000;

/**
 * `nextAllowedSendTime` remembered by its arguments, for dry runs that judge many sends at few instants (a
 * backtest's runs enter at the end of a day and their waits end at the end of a later one): the same answer, asked
 * of the time-zone rules once per zone, channel and instant for each quiet-hours setting and window (told apart by
 * identity: the workspace's settings and the step's config, one object each for a dry run). Answers are shared: do
 * not change their dates. A configuration error (a window inside quiet hours) is thrown every time.
 */
export function memoizeSendTime(): SendTimeJudge {
  const noWindow = {};
  let answers = new Map<object, Map<object, Map<string, SendTimeDecision>>>();
  let size = 0;
  return (now, timeZone, channel, quietHours, window) => {
    if (size >= MEMO_LIMIT) {
      answers = new Map();
      size = 0;
    }
    let byWindow = answers.get(quietHours);
    if (!byWindow) answers.set(quietHours, (byWindow = new Map<object, Map<string, SendTimeDecision>>()));
    let byKey = byWindow.get(window ?? noWindow);
    if (!byKey) byWindow.set(window ?? noWindow, (byKey = new Map<string, SendTimeDecision>()));
    const key = `${now.getTime()} ${channel} ${timeZone}`;
    let decided = byKey.get(key);
    if (!decided) {
      decided = nextAllowedSendTime(now, timeZone, channel, quietHours, window);
      byKey.set(key, decided);
      size += 1;
    }
    return decided;
  };
}
