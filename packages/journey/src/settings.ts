/** Journey-wide settings: goal, re-entry, holdout, priority, what counts as converted, and the launch window and limits. */
import { z } from 'zod';
import { durationSchema } from './duration';
import { propertyFilterSchema } from './property-filter';

export const goalSchema = z.object({
  /** An event that ends the run wherever the customer is, e.g. `purchase`. */
  event: z.string().min(1, 'Choose the goal event'),
  filters: z.array(propertyFilterSchema).optional(),
  /** The run's outcome when the goal is met. */
  outcome: z.string().min(1).default('converted'),
});
export type Goal = z.infer<typeof goalSchema>;

export const reentrySchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('once') }),
  z.object({ mode: z.literal('after'), duration: durationSchema }),
  z.object({ mode: z.literal('always') }),
]);
export type Reentry = z.infer<typeof reentrySchema>;

export const conversionSchema = z.object({
  events: z.array(z.string().min(1)).min(1, 'Choose at least one event'),
  filters: z.array(propertyFilterSchema).optional(),
  window: durationSchema,
  from: z.enum(['entry', 'first_message']).default('entry'),
});
export type Conversion = z.infer<typeof conversionSchema>;

const entryLimit = (what: string) =>
  z
    .number()
    .int(`${what}: use a whole number`)
    .min(1, `${what}: at least 1 (leave it empty for no limit)`)
    .optional();

/**
 * When customers may enter and how many: no entries before `startAt` or after `endAt` (runs in flight finish), at
 * most `entryCap` in all, and at most `perHour` / `perDay` in any hour / day, so a large audience enters in waves.
 * Every trigger obeys it; a customer turned away by a limit stays eligible for the next audience check.
 */
export const launchSchema = z
  .object({
    startAt: z.iso.datetime({ offset: true, error: 'Start: use an ISO timestamp' }).optional(),
    endAt: z.iso.datetime({ offset: true, error: 'End: use an ISO timestamp' }).optional(),
    entryCap: entryLimit('Entry cap'),
    perHour: entryLimit('Entries per hour'),
    perDay: entryLimit('Entries per day'),
  })
  .refine((l) => !l.startAt || !l.endAt || Date.parse(l.startAt) < Date.parse(l.endAt), {
    message: 'End must be after the start',
    path: ['endAt'],
  });
export type Launch = z.infer<typeof launchSchema>;

export const journeySettingsSchema = z.object({
  goal: goalSchema.optional(),
  reentry: reentrySchema.default({ mode: 'once' }),
  /** Share of entrants held out of every message, to measure lift (a deterministic hash decides who). */
  holdoutPercent: z
    .number()
    .min(0, 'Must be 0 or more')
    .max(99, 'Must be below 100: a journey needs somebody to message')
    .default(0),
  /** 1 (lowest) to 10 (highest): decides which journey's message waits when a frequency cap is reached. */
  priority: z.number().int().min(1).max(10).default(5),
  conversion: conversionSchema.optional(),
  launch: launchSchema.optional(),
});
export type JourneySettings = z.infer<typeof journeySettingsSchema>;
export type JourneySettingsInput = z.input<typeof journeySettingsSchema>;
