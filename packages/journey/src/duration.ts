/** Durations as campaign managers write them ("7 days"), and their length in milliseconds for the plan. */
import { z } from 'zod';

export const durationUnits = ['minutes', 'hours', 'days', 'weeks'] as const;
export type DurationUnit = (typeof durationUnits)[number];

const unitMs: Record<DurationUnit, number> = {
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
};

/** Longest wait a journey may express: two years (a dormancy journey may wait months, never forever). */
export const MAX_DURATION_MS = 2 * 366 * 86_400_000;

export const durationSchema = z
  .object({
    amount: z.number({ error: 'Enter a number' }).int('Use a whole number').positive('Must be more than 0'),
    unit: z.enum(durationUnits, { error: 'Choose minutes, hours, days or weeks' }),
  })
  .refine((d) => d.amount * unitMs[d.unit] <= MAX_DURATION_MS, {
    message: 'Must be at most two years',
    path: ['amount'],
  });
export type Duration = z.infer<typeof durationSchema>;

export function durationToMs(d: Duration): number {
  return d.amount * unitMs[d.unit];
}

export function formatDuration(d: Duration): string {
  const unit = d.amount === 1 ? d.unit.slice(0, -1) : d.unit;
  return `${d.amount} ${unit}`;
}
