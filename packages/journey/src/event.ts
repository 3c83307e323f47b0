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

/**
 * How far ahead of our clock an event may be dated: senders' clocks drift a little, but an event from the future
 * would move a customer's facts past now for good (last activity in 2199 never becomes dormant).
 */
export const DEFAULT_EVENT_MAX_FUTURE_SKEW_MS = 5 * 60_000;
let eventMaxFutureSkewMs = DEFAULT_EVENT_MAX_FUTURE_SKEW_MS;

/** Sets the skew for this process (the API reads `WAKEFLOW_EVENT_MAX_FUTURE_SKEW`, in seconds). */
export function setEventMaxFutureSkew(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`Event future skew must be 0 or more ms, got ${ms}`);
  eventMaxFutureSkewMs = ms;
}

/** `WAKEFLOW_EVENT_MAX_FUTURE_SKEW` (whole seconds) as milliseconds; unset means the default. */
export function eventMaxFutureSkewFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.WAKEFLOW_EVENT_MAX_FUTURE_SKEW?.trim();
  if (!raw) return DEFAULT_EVENT_MAX_FUTURE_SKEW_MS;
  if (!/^\d+$/.test(raw)) {
    throw new Error(`WAKEFLOW_EVENT_MAX_FUTURE_SKEW must be whole seconds, e.g. 300; got "${raw}"`);
  }
  return Number(raw) * 1000;
}

export const occurredAtSchema = z.iso
  .datetime({ offset: true, error: 'Use an ISO timestamp, e.g. 2026-11-26T10:00:00Z' })
  // Zod runs this even when the format check failed; a string that is no time at all has its issue already.
  .refine((value) => !(Date.parse(value) > Date.now() + eventMaxFutureSkewMs), {
    error: () =>
      `Must not be in the future (more than ${Math.round(eventMaxFutureSkewMs / 1000)} s ahead of the server's clock)`,
  });

export const eventInputSchema = z.object({
  eventId: z.string().min(1, 'Required').max(200),
  customerExternalId: externalIdSchema,
  name: eventNameSchema,
  properties: z.record(z.string(), z.unknown()).default({}),
  occurredAt: occurredAtSchema,
});
export type EventInput = z.infer<typeof eventInputSchema>;

export const eventBatchSchema = z.object({
  events: z
    .array(eventInputSchema)
    .min(1, 'Send at least one event')
    .max(10_000, 'At most 10,000 per request'),
});
