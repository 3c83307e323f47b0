/** A customer as senders describe them: upserted by their own external id. */
import { z } from 'zod';

export const externalIdSchema = z.string().trim().min(1, 'Required').max(200, 'At most 200 characters');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const consentSchema = z.object({
  email: z.boolean().optional(),
  sms: z.boolean().optional(),
  push: z.boolean().optional(),
});

export const customerInputSchema = z.object({
  externalId: externalIdSchema,
  email: z.email('Not an email address').nullish(),
  /** E.164, e.g. +4915112345678. */
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'Use international format, e.g. +4915112345678')
    .nullish(),
  pushToken: z.string().min(1).max(4096).nullish(),
  timezone: z.string().refine(isTimeZone, 'Not an IANA time zone such as Europe/Berlin').optional(),
  birthday: z.iso.date('Use YYYY-MM-DD').nullish(),
  firstName: z.string().max(200).nullish(),
  lastName: z.string().max(200).nullish(),
  signedUpAt: z.iso.datetime({ offset: true, error: 'Use an ISO timestamp' }).nullish(),
  consent: consentSchema.optional(),
  traits: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string().min(1).max(100)).optional(),
});
export type CustomerInput = z.infer<typeof customerInputSchema>;

export const customerBatchSchema = z.object({
  customers: z
    .array(customerInputSchema)
    .min(1, 'Send at least one customer')
    .max(10_000, 'At most 10,000 per request'),
});
