/**
 * A behaviour event (login, purchase, browse, complaint…) as senders post it. Ingest is idempotent on `eventId`.
 */
import { z } from 'zod';
import { externalIdSchema } from './customer';

/** Event names the product gives meaning to; any other name is a custom event. */
export const knownEventNames = [
  'login',
  'purchase',
  'browse',
  'complaint',
  'app_open',
  'store_visit',
  'store_purchase',
  'coupon_redeemed',
  'message_delivered',
  'message_opened',
  'message_clicked',
] as const;

export const eventNameSchema = z
  .string()
  .min(1, 'Required')
  .max(100, 'At most 100 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'Use letters, digits, _ . : - only');

export const eventInputSchema = z.object({
  eventId: z.string().min(1, 'Required').max(200),
  customerExternalId: externalIdSchema,
  name: eventNameSchema,
  properties: z.record(z.string(), z.unknown()).default({}),
  occurredAt: z.iso.datetime({ offset: true, error: 'Use an ISO timestamp, e.g. 2026-11-26T10:00:00Z' }),
});
export type EventInput = z.infer<typeof eventInputSchema>;

export const eventBatchSchema = z.object({
  events: z
    .array(eventInputSchema)
    .min(1, 'Send at least one event')
    .max(10_000, 'At most 10,000 per request'),
});
