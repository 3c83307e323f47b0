/** Control-flow kinds the interpreter runs itself: delays, waits, splits and exits. */
import { z } from 'zod';
import { durationSchema, durationToMs, formatDuration, propertyFilterSchema } from '@wakeflow/journey';
import { defineNode } from '../define-node';

const weekdayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time like 20:00');

export const delay = defineNode({
  type: 'delay',
  version: 1,
  config: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('duration'), duration: durationSchema }),
    z.object({
      mode: z.literal('local_time'),
      time: localTime,
      weekdays: z
        .array(z.number().int().min(1).max(7))
        .min(1, 'Choose at least one weekday')
        .default([1, 2, 3, 4, 5, 6, 7]),
    }),
  ]),
  palette: {
    label: 'Delay',
    description: 'Wait for a time, or until a local time of day',
    icon: 'clock',
    category: 'flow',
    color: '#0891b2',
  },
  outcomes: ['next'],
  describe: (c) =>
    c.mode === 'duration'
      ? `Wait ${formatDuration(c.duration)}`
      : `Wait until ${c.time} local time${c.weekdays.length < 7 ? ` on ${c.weekdays.map((d) => weekdayNames[d - 1]).join(', ')}` : ''}`,
  plan: (c) =>
    c.mode === 'duration'
      ? { op: 'sleep', ms: durationToMs(c.duration) }
      : { op: 'sleep_until_local', time: c.time, weekdays: [...new Set(c.weekdays)].sort() },
});

const outcomeName = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'Use lower-case letters, digits and _');

export const waitForEvent = defineNode({
  type: 'wait_for_event',
  version: 1,
  config: z
    .object({
      events: z
        .array(
          z.object({
            event: z.string().min(1, 'Choose an event'),
            filters: z.array(propertyFilterSchema).default([]),
            /** Match only events whose property equals the entry event's, e.g. `order_id`. */
            correlationKey: z.string().min(1).optional(),
            /** Path name; defaults to the event name. */
            outcome: outcomeName.optional(),
          }),
        )
        .min(1, 'Choose at least one event'),
      timeout: durationSchema,
    })
    .superRefine((c, ctx) => {
      const seen = new Set<string>();
      c.events.forEach((e, i) => {
        const outcome = e.outcome ?? e.event;
        if (outcome === 'timeout' || seen.has(outcome)) {
          ctx.addIssue({
            code: 'custom',
            path: ['events', i, 'outcome'],
            message: `Path name “${outcome}” is used twice`,
          });
        }
        seen.add(outcome);
      });
    }),
  palette: {
    label: 'Wait for event',
    description: 'Wait until the customer does something, or time runs out',
    icon: 'hourglass',
    category: 'flow',
    color: '#0891b2',
  },
  outcomes: (c) => [...new Set(c.events.map((e) => e.outcome ?? e.event)), 'timeout'],
  describe: (c) => `Wait up to ${formatDuration(c.timeout)} for ${c.events.map((e) => e.event).join(' or ')}`,
  references: (c) => ({ events: c.events.map((e) => e.event) }),
  plan: (c) => ({
    op: 'wait',
    timeoutMs: durationToMs(c.timeout),
    timeoutOutcome: 'timeout',
    events: c.events.map((e) => ({
      event: e.event,
      outcome: e.outcome ?? e.event,
      ...(e.filters.length ? { filters: e.filters } : {}),
      ...(e.correlationKey ? { correlationKey: e.correlationKey } : {}),
    })),
  }),
});

export const split = defineNode({
  type: 'split',
  version: 1,
  config: z
    .object({
      arms: z
        .array(
          z.object({
            name: outcomeName,
            percent: z.number().min(0, 'Must be 0 or more').max(100, 'Must be 100 or less'),
            /** A holdout arm is tracked like the others but its customers are never messaged. */
            holdout: z.boolean().default(false),
          }),
        )
        .min(2, 'A split needs at least two arms'),
    })
    .superRefine((c, ctx) => {
      const total = c.arms.reduce((sum, a) => sum + a.percent, 0);
      if (Math.abs(total - 100) > 1e-9) {
        ctx.addIssue({
          code: 'custom',
          path: ['arms'],
          message: `Percentages must add up to 100 (now ${total})`,
        });
      }
      const names = new Set<string>();
      c.arms.forEach((a, i) => {
        if (names.has(a.name))
          ctx.addIssue({
            code: 'custom',
            path: ['arms', i, 'name'],
            message: `Arm name “${a.name}” is used twice`,
          });
        names.add(a.name);
      });
    }),
  palette: {
    label: 'Random split',
    description: 'A/B test or holdout: send customers down arms at random',
    icon: 'split',
    category: 'flow',
    color: '#d97706',
  },
  outcomes: (c) => c.arms.map((a) => a.name),
  describe: (c) =>
    `Split ${c.arms.map((a) => `${a.name} ${a.percent}%${a.holdout ? ' (holdout)' : ''}`).join(' / ')}`,
  plan: (c) => ({
    op: 'split',
    arms: c.arms.map((a) => ({ name: a.name, percent: a.percent, holdout: a.holdout })),
  }),
});

export const exit = defineNode({
  type: 'exit',
  version: 1,
  role: 'exit',
  config: z.object({ outcome: outcomeName.default('completed') }),
  palette: {
    label: 'Exit',
    description: 'End the journey with a named outcome',
    icon: 'flag',
    category: 'flow',
    color: '#475569',
  },
  outcomes: [],
  describe: (c) => `Exit: ${c.outcome.replace(/_/g, ' ')}`,
  plan: (c) => ({ op: 'exit', outcome: c.outcome }),
});
