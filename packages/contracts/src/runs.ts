/** Runs: find them, open one with its steps and messages, its Temporal history and replay, enter a customer. */
import { z } from 'zod';
import { RUN_STATUSES, entryRefusals, externalIdSchema } from '@wakeflow/journey';
import { timestampSchema } from './common';
import { defineRoute } from './route';

export const runIdParams = z.object({ id: z.uuid('Not a run id') });

/** Why support took the customer out (kept in the audit log). */
export const removeRunBodySchema = z.object({ reason: z.string().trim().max(1_000).default('') });

export const runListQuerySchema = z.object({
  journeyId: z.uuid().optional(),
  version: z.coerce.number().int().positive().optional(),
  customerId: z.uuid().optional(),
  status: z.enum(RUN_STATUSES).optional(),
  outcome: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Runs started before this time (the previous page's last `startedAt`). */
  before: z.iso.datetime({ offset: true }).optional(),
});
export type RunFilters = Partial<z.output<typeof runListQuerySchema>>;

export const runSummarySchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  journeyId: z.string(),
  version: z.number(),
  customerId: z.string(),
  customerExternalId: z.string(),
  entry: z.number(),
  status: z.string(),
  outcome: z.string().nullable(),
  holdout: z.boolean(),
  currentNodeId: z.string().nullable(),
  arms: z.record(z.string(), z.string()).default({}),
  startedAt: timestampSchema,
  endedAt: timestampSchema.nullable(),
  /** Why a run ended without an exit (failed, cancelled, terminated, timed out). */
  endedReason: z.string().nullable().default(null),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runStepSchema = z.object({
  nodeId: z.string(),
  seq: z.number(),
  enteredAt: timestampSchema,
  leftAt: timestampSchema.nullable(),
  outcome: z.string().nullable(),
});
export type RunStep = z.infer<typeof runStepSchema>;

export const runMessageSchema = z.object({
  id: z.string(),
  nodeId: z.string().nullable(),
  channel: z.string(),
  templateId: z.string().nullable(),
  status: z.string(),
  reason: z.string().nullable(),
  createdAt: timestampSchema,
  sentAt: timestampSchema.nullable(),
});
export type RunMessage = z.infer<typeof runMessageSchema>;

export const runDetailSchema = z.object({
  run: runSummarySchema.omit({ customerExternalId: true }).loose(),
  steps: z.array(runStepSchema),
  messages: z.array(runMessageSchema),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

/** The history as `temporal workflow show -o json` prints it; only what clients read is checked. */
export const historyEventSchema = z
  .object({
    eventId: z.union([z.string(), z.number()]),
    eventTime: z.string().optional(),
    eventType: z.union([z.string(), z.number()]).optional(),
  })
  .loose();
export const historySchema = z.object({ events: z.array(historyEventSchema) }).loose();
export type HistoryJson = z.infer<typeof historySchema>;

export const replayReportSchema = z.object({
  ok: z.boolean(),
  workflowId: z.string(),
  summary: z.string(),
  divergedAt: z.object({ eventId: z.number(), eventType: z.string(), description: z.string() }).optional(),
  detail: z.string().optional(),
});
export type ReplayReport = z.infer<typeof replayReportSchema>;

export const replayUploadBodySchema = z.object({ history: z.unknown(), workflowId: z.string().optional() });

export const enterCustomerBodySchema = z.object({
  customerExternalId: z.string().min(1, 'Name the customer'),
  /** Available to the journey as the entry event's properties. */
  properties: z.record(z.string(), z.unknown()).default({}),
});

/** 201 when a run started; 200 with `started: false` and the reason when the customer was not entered. */
export const enterCustomerAnswerSchema = z.discriminatedUnion('started', [
  z.object({
    started: z.literal(true),
    workflowId: z.string(),
    runId: z.string(),
    entry: z.number(),
    holdout: z.boolean(),
  }),
  z.object({
    started: z.literal(false),
    workflowId: z.string().optional(),
    /** Besides the re-entry rule: the journey's launch window or entry limits (`settings.launch`) turned them away. */
    reason: z.enum(['not_live', 'already_in_journey', 'reentry_not_allowed', 'duplicate', ...entryRefusals]),
  }),
]);

/** Most customers one bulk entry takes: a larger list goes in several requests (the body stays well under 1 MB). */
export const MAX_BULK_ENTRY = 10_000;

export const enterCustomersBodySchema = z.object({
  customerExternalIds: z
    .array(externalIdSchema)
    .min(1, 'Name at least one customer')
    .max(MAX_BULK_ENTRY, `At most ${MAX_BULK_ENTRY.toLocaleString('en')} customers per request`)
    .superRefine((ids, ctx) => {
      const first = new Map<string, number>();
      ids.forEach((id, index) => {
        const earlier = first.get(id);
        if (earlier === undefined) first.set(id, index);
        else ctx.addIssue({ code: 'custom', path: [index], message: `Listed twice (first at ${earlier})` });
      });
    }),
});

/** Per customer, in the order asked: what entering them did, and the cohort that carries them (bulk entries). */
export const enterCustomersAnswerSchema = z.object({
  /** Customers for whom a run started. */
  entered: z.number(),
  /** Customers not entered, by reason. */
  notEntered: z.record(z.string(), z.number()),
  results: z.array(
    z.intersection(
      z.object({ customerExternalId: z.string(), cohortWorkflowId: z.string().optional() }),
      enterCustomerAnswerSchema,
    ),
  ),
});
export type EnterCustomersAnswer = z.infer<typeof enterCustomersAnswerSchema>;

const tag = 'Runs';

export const runRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/runs',
    tag,
    summary: 'Runs, newest first, filtered by journey, version, customer, status or outcome',
    query: runListQuerySchema,
    responses: { 200: z.object({ runs: z.array(runSummarySchema) }) },
  }),
  get: defineRoute({
    method: 'get',
    path: '/runs/:id',
    tag,
    summary: 'One run with its steps and messages',
    params: runIdParams,
    responses: { 200: runDetailSchema },
  }),
  history: defineRoute({
    method: 'get',
    path: '/runs/:id/history',
    tag,
    summary: "The run's Temporal history (a download)",
    params: runIdParams,
    responses: { 200: historySchema },
  }),
  replay: defineRoute({
    method: 'post',
    path: '/runs/:id/replay',
    tag,
    summary: "Replay the run's history against the code this server runs",
    params: runIdParams,
    responses: { 200: replayReportSchema },
  }),
  replayUpload: defineRoute({
    method: 'post',
    path: '/replay',
    tag,
    summary: 'Replay an uploaded history',
    body: replayUploadBodySchema,
    responses: { 200: replayReportSchema },
  }),
  enter: defineRoute({
    method: 'post',
    path: '/journeys/:id/runs',
    tag,
    summary: 'Enter a customer into a live journey (the API trigger)',
    params: z.object({ id: z.uuid('Not a journey id') }),
    body: enterCustomerBodySchema,
    responses: { 200: enterCustomerAnswerSchema, 201: enterCustomerAnswerSchema },
  }),
  enterMany: defineRoute({
    method: 'post',
    path: '/journeys/:id/runs/batch',
    tag,
    summary:
      'Enter many customers into a live journey at once (up to 10,000; from the cohort threshold on they run as cohorts)',
    params: z.object({ id: z.uuid('Not a journey id') }),
    body: enterCustomersBodySchema,
    responses: { 200: enterCustomersAnswerSchema },
  }),
  remove: defineRoute({
    method: 'post',
    path: '/runs/:id/remove',
    tag,
    summary: 'Take the customer out of a running run: it ends `removed` at its next step, without sending',
    params: runIdParams,
    body: removeRunBodySchema,
    responses: { 202: z.object({ runId: z.string(), outcome: z.literal('removed') }) },
  }),
};
