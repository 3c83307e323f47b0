/**
 * Previewing one customer's path through a journey ("test journey"): a real customer or a described one, a script
 * of what they do, and the path the journey machine takes on a virtual clock — each step's time, each message
 * rendered with the customer's data and judged by the sending rules. Nothing is sent and nothing is written.
 */
import { z } from 'zod';
import { customerInputSchema, externalIdSchema, journeyGraphSchema } from '@wakeflow/journey';
import { jsonObjectSchema, timestampSchema } from './common';
import { journeyIdParams } from './journeys';
import { defineRoute } from './route';

const isoTime = z.iso.datetime({ offset: true, error: 'Use an ISO timestamp' });

/** A customer who exists only in the preview: every fact not given is empty (no consent, no address, UTC). */
export const describedCustomerSchema = customerInputSchema.omit({ externalId: true }).extend({
  externalId: externalIdSchema.optional(),
  valueTier: z.enum(['high', 'mid', 'low']).nullish(),
  lastActivityAt: isoTime.nullish(),
  lastLoginAt: isoTime.nullish(),
  lastPurchaseAt: isoTime.nullish(),
  purchaseCount: z.number().int().min(0).optional(),
  totalSpend: z.number().min(0).optional(),
});
export type DescribedCustomer = z.infer<typeof describedCustomerSchema>;

/** Something the customer does in the script: `login` on day 3 after entering. */
export const scriptedEventSchema = z.object({
  /** Days after the customer entered; fractions for hours (2.5 is day 2 at noon after entry). */
  day: z.number().min(0, 'Day 0 is the entry').max(366, 'At most a year after entry'),
  event: z.string().trim().min(1, 'Name the event'),
  properties: jsonObjectSchema.default({}),
});
export type ScriptedEvent = z.infer<typeof scriptedEventSchema>;

export const journeyPreviewBodySchema = z
  .object({
    /** A stored customer by external id… */
    externalId: externalIdSchema.optional(),
    /** …or one described here. */
    customer: describedCustomerSchema.optional(),
    /** A published version; without it the draft (the saved one, or `graph` and `settings` as being edited). */
    version: z.number().int().positive('Not a version number').optional(),
    graph: journeyGraphSchema.optional(),
    settings: jsonObjectSchema.optional(),
    /** When the customer enters; now by default. */
    startAt: isoTime.optional(),
    /** The event that started the run, for event-triggered journeys (its properties reach templates as `entry`). */
    entryEvent: z
      .object({ event: z.string().trim().min(1), properties: jsonObjectSchema.default({}) })
      .optional(),
    /** What the customer does; nothing by default. At most 200 events. */
    timeline: z.array(scriptedEventSchema).max(200, 'At most 200 scripted events').default([]),
    /** Outcomes fixed by the script, by step id (a condition answered "yes"). */
    answers: z.record(z.string(), z.string()).default({}),
    /** Put the customer in (or out of) the control group; by default as a real run would draw it. */
    holdout: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.externalId === undefined) === (body.customer === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['externalId'],
        message: 'Give either externalId (a stored customer) or customer (a described one)',
      });
    if (body.version !== undefined && (body.graph !== undefined || body.settings !== undefined))
      ctx.addIssue({ code: 'custom', path: ['version'], message: 'Preview a version or a draft, not both' });
  });
export type JourneyPreviewRequest = z.input<typeof journeyPreviewBodySchema>;

export const sendCheckSchema = z.object({
  rule: z.enum([
    'holdout',
    'template',
    'consent',
    'recipient',
    'quiet_hours',
    'send_window',
    'render',
    'frequency_cap',
  ]),
  /** `hold`: not now, asked again later. */
  verdict: z.enum(['pass', 'skip', 'hold', 'fail']),
  /** The reason in the messages table's words, or when a hold ends. */
  detail: z.string().optional(),
});
export type SendCheck = z.infer<typeof sendCheckSchema>;

export const previewMessageSchema = z.object({
  stepId: z.string(),
  at: timestampSchema,
  channel: z.enum(['email', 'sms', 'push']),
  templateId: z.string(),
  templateName: z.string().optional(),
  status: z.enum(['sent', 'skipped', 'failed', 'deferred']),
  /** As the messages table would say: `no_consent`, `quiet_hours`, `frequency_cap`… */
  reason: z.string().optional(),
  /** With `deferred`: when the journey asks again. */
  retryAt: timestampSchema.optional(),
  /** The decision in words: `sent`, `skipped: no consent for this channel`, `held until 2026-12-08 08:00 Europe/Paris (quiet hours)`. */
  decision: z.string(),
  checks: z.array(sendCheckSchema),
  to: z.string().optional(),
  rendered: z
    .object({ subject: z.string().nullable(), text: z.string(), html: z.string().nullable() })
    .optional(),
});
export type PreviewMessage = z.infer<typeof previewMessageSchema>;

export const previewStepSchema = z.object({
  stepId: z.string(),
  /** 0 for the trigger, then +1 per step. */
  seq: z.number(),
  type: z.string(),
  name: z.string().optional(),
  /** When the customer reached the step. */
  at: timestampSchema,
  /** The path the step took (absent for the last step of a run that did not finish). */
  outcome: z.string().optional(),
  /** The arm drawn when the step is a random split. */
  splitArm: z.string().optional(),
  /** What the preview did differently from a real run here (a node not run, a condition assumed). */
  notes: z.array(z.string()),
});
export type PreviewStep = z.infer<typeof previewStepSchema>;

export const journeyPreviewSchema = z.object({
  journeyId: z.string(),
  /** The version previewed; null for the draft. */
  version: z.number().nullable(),
  customer: z.object({
    /** Null for a described customer. */
    id: z.string().nullable(),
    externalId: z.string(),
    name: z.string().nullable(),
    timezone: z.string(),
  }),
  startedAt: timestampSchema,
  holdout: z.boolean(),
  /** `stuck`: the run never ends (waiting with no timeout, or looping). */
  status: z.enum(['completed', 'failed', 'stuck']),
  outcome: z.string().optional(),
  /** Why a failed run failed. */
  reason: z.string().optional(),
  endedAt: timestampSchema.optional(),
  steps: z.array(previewStepSchema),
  messages: z.array(previewMessageSchema),
  /** The scripted events at their times. */
  events: z.array(z.object({ at: timestampSchema, event: z.string() })),
});
export type JourneyPreview = z.infer<typeof journeyPreviewSchema>;

export const journeyPreviewRoutes = {
  preview: defineRoute({
    method: 'post',
    path: '/journeys/:id/preview',
    tag: 'Journeys',
    summary: "Preview one customer's path (a draft or a version): nothing is sent, nothing is written",
    description:
      'Runs the journey machine on a virtual clock for a stored customer (`externalId`) or a described one ' +
      '(`customer`), with the scripted `timeline` of what they do. Messages are judged by the sending rules ' +
      '(consent, frequency cap, quiet hours, send window) and rendered with the customer’s data. Answers 404 ' +
      'when the journey, version or customer does not exist and 422 with `problems` when the draft cannot run.',
    params: journeyIdParams,
    body: journeyPreviewBodySchema,
    responses: { 200: journeyPreviewSchema },
  }),
};
