/**
 * Test before launch: the workspace's seed list (named test recipients) and test sends of a journey step's message,
 * rendered with a chosen customer's data and delivered through the channel's real provider, marked as tests in the
 * message log and never counted in results or frequency caps.
 */
import { z } from 'zod';
import { externalIdSchema } from '@wakeflow/journey';
import { timestampSchema } from './common';
import { journeyIdParams } from './journeys';
import { defineRoute } from './route';

/** The node kinds whose steps can be sent as a test: their config names a channel and a template. */
export const testSendableKinds: readonly string[] = ['send'];

const optionalText = (schema: z.ZodType<string>) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

export const testRecipientInputSchema = z
  .object({
    name: z.string().trim().min(1, 'Name the recipient').max(100, 'At most 100 characters'),
    email: optionalText(z.email('Not an email address')),
    phone: optionalText(
      z
        .string()
        .trim()
        .regex(/^\+[1-9]\d{6,14}$/, 'Use the international format, e.g. +4915112345678'),
    ),
    pushToken: optionalText(z.string().trim().max(4_000, 'At most 4,000 characters')),
  })
  .refine((r) => r.email !== undefined || r.phone !== undefined || r.pushToken !== undefined, {
    message: 'Give an email address, a phone number or a push token',
    path: ['email'],
  });
export type TestRecipientInput = z.infer<typeof testRecipientInputSchema>;

export const testRecipientSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  pushToken: z.string().nullable(),
  createdAt: timestampSchema,
});
export type TestRecipient = z.infer<typeof testRecipientSchema>;

export const testSendBodySchema = z
  .object({
    /** The draft's send step whose message is sent. */
    stepId: z.string().trim().min(1, 'Choose a step'),
    /** Whose data renders the message. */
    customerExternalId: externalIdSchema,
    /** Send to the signed-in person's email address. */
    toMe: z.boolean().default(false),
    /** Seed-list recipients to send to. */
    recipientIds: z.array(z.uuid('Not a test recipient id')).max(50, 'At most 50 recipients').default([]),
  })
  .refine((b) => b.toMe || b.recipientIds.length > 0, {
    message: 'Choose who gets the test: you, or people on the seed list',
    path: ['recipientIds'],
  });
export type TestSendBody = z.input<typeof testSendBodySchema>;

export const testSendResultSchema = z.object({
  recipient: z.string(),
  to: z.string().nullable(),
  status: z.enum(['sent', 'failed', 'skipped']),
  reason: z.string().optional(),
  messageId: z.uuid().optional(),
});

const tag = 'Test sends';

export const testSendRoutes = {
  listRecipients: defineRoute({
    method: 'get',
    path: '/test-recipients',
    tag,
    summary: "The workspace's seed list: who receives test sends",
    responses: { 200: z.object({ recipients: z.array(testRecipientSchema) }) },
  }),
  addRecipient: defineRoute({
    method: 'post',
    path: '/test-recipients',
    tag,
    summary: 'Add someone to the seed list',
    body: testRecipientInputSchema,
    responses: { 201: testRecipientSchema },
  }),
  removeRecipient: defineRoute({
    method: 'delete',
    path: '/test-recipients/:id',
    tag,
    summary: 'Remove someone from the seed list',
    params: z.object({ id: z.uuid('Not a test recipient id') }),
    responses: { 204: null },
  }),
  send: defineRoute({
    method: 'post',
    path: '/journeys/:id/test-send',
    tag,
    summary:
      "Send a draft step's message as a test, rendered with a customer's data, to you or the seed list",
    description:
      'Delivered through the channel’s real provider with “[Test]” in the subject (SMS: the text). Marked as a test ' +
      'in the message log; never counted in results or frequency caps; the customer’s consent is not applied.',
    params: journeyIdParams,
    body: testSendBodySchema,
    responses: { 200: z.object({ results: z.array(testSendResultSchema) }) },
  }),
};
