/** The 24-hour local time field shared by delays and send windows. */
import { z } from 'zod';

export const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time like 20:00');

export const weekdaysSchema = z
  .array(z.number().int().min(1).max(7))
  .min(1, 'Choose at least one weekday')
  .default([1, 2, 3, 4, 5, 6, 7]);

/** Path and arm names: they become outcome names in plans, so they stay identifiers. */
export const outcomeNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'Use lower-case letters, digits and _');
