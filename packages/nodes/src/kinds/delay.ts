/** `delay`: wait for a time, or until a local time of day; the interpreter sleeps on a durable timer. */
import { z } from 'zod';
import { durationSchema, durationToMs, formatDuration } from '@wakeflow/journey';
import { defineNode } from '../define-node';
import { onWeekdays } from '../words';
import { localTimeSchema, weekdaysSchema } from './local-time';

export const delay = defineNode({
  type: 'delay',
  version: 1,
  config: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('duration'), duration: durationSchema }),
    z.object({ mode: z.literal('local_time'), time: localTimeSchema, weekdays: weekdaysSchema }),
  ]),
  palette: {
    label: 'Delay',
    description: 'Wait for a time, or until a local time of day',
    icon: 'clock',
    category: 'flow',
    color: '#0891b2',
  },
  starter: () => ({ mode: 'duration', duration: { amount: 1, unit: 'days' } }),
  outcomes: ['next'],
  describe: (c) =>
    c.mode === 'duration'
      ? `Wait ${formatDuration(c.duration)}`
      : `Wait until ${c.time} local time${onWeekdays(c.weekdays)}`,
  plan: (c) =>
    c.mode === 'duration'
      ? { op: 'sleep', ms: durationToMs(c.duration) }
      : { op: 'sleep_until_local', time: c.time, weekdays: [...new Set(c.weekdays)].sort() },
});
