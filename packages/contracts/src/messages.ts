/**
 * The message log (what was sent, skipped or failed and why, per customer or per journey step) and the outbox of
 * the development log provider, where "sent" messages go when no real provider is configured.
 */
import { z } from 'zod';
import { timestampSchema } from './common';
import { defineRoute } from './route';

export const messageStatuses = ['pending', 'sent', 'failed', 'skipped'] as const;
export const messageChannels = ['email', 'sms', 'push', 'webhook'] as const;

export const messageLogQuerySchema = z.object({
  customerId: z.uuid().optional(),
  journeyId: z.uuid().optional(),
  nodeId: z.string().min(1).optional(),
  status: z.enum(messageStatuses).optional(),
  channel: z.enum(messageChannels).optional(),
  /** Page backwards from this creation time (exclusive). */
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type MessageLogFilters = Pick<
  z.input<typeof messageLogQuerySchema>,
  'customerId' | 'journeyId' | 'status' | 'channel'
>;

export const messageLogEntrySchema = z
  .object({
    id: z.string(),
    customerId: z.string().nullable(),
    journeyId: z.string().nullable(),
    runId: z.string().nullable(),
    nodeId: z.string().nullable(),
    channel: z.string(),
    templateId: z.string().nullable(),
    category: z.string().nullable(),
    status: z.string(),
    reason: z.string().nullable(),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable().optional(),
    recipient: z.string().nullable(),
    subject: z.string().nullable(),
    body: z.string().nullable(),
    attempts: z.number(),
    costMicros: z.number().nullable().optional(),
    deferredUntil: timestampSchema.nullable(),
    createdAt: timestampSchema,
    dispatchedAt: timestampSchema.nullable().optional(),
    sentAt: timestampSchema.nullable(),
    /** A test send to a seed recipient: not counted in results or caps. */
    isTest: z.boolean(),
  })
  .loose();
export type MessageLogEntry = z.infer<typeof messageLogEntrySchema>;

export const outboxEntrySchema = z.object({
  id: z.union([z.string(), z.number()]),
  messageId: z.string().nullable(),
  channel: z.string(),
  recipient: z.string().nullable(),
  subject: z.string().nullable(),
  body: z.string().nullable(),
  html: z.string().nullable(),
  createdAt: timestampSchema,
});

const tag = 'Messages';

export const messageRoutes = {
  log: defineRoute({
    method: 'get',
    path: '/messages',
    tag,
    summary: 'The message log, newest first',
    query: messageLogQuerySchema,
    responses: { 200: z.object({ messages: z.array(messageLogEntrySchema) }) },
  }),
  outbox: defineRoute({
    method: 'get',
    path: '/outbox',
    tag,
    summary: 'What the development log provider recorded instead of delivering',
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    responses: { 200: z.object({ note: z.string(), messages: z.array(outboxEntrySchema) }) },
  }),
};

/**
 * Why a message was not sent (the message log's `reason`, the launch estimate's and preview's reasons), in the
 * campaign manager's words. Reasons not listed read as their words (`template_error` → "template error").
 */
export const messageReasonWords: Readonly<Record<string, string>> = {
  no_consent: 'no consent for this channel',
  unsubscribed: 'unsubscribed',
  holdout: 'in a holdout group',
  no_recipient: 'no address for this channel',
  frequency_cap: 'frequency cap reached',
  quiet_hours: 'quiet hours',
  send_window: 'outside the send window',
  template_not_found: 'template not found',
};

export function describeMessageReason(reason: string | null | undefined): string {
  if (!reason) return '';
  return messageReasonWords[reason] ?? reason.replace(/_/g, ' ');
}
