/** Journeys: drafts (with revision checks), validation, publishing immutable versions, version history, live counts. */
import { z } from 'zod';
import {
  JOURNEY_LIFECYCLES,
  JOURNEY_STATUSES,
  LIFECYCLE_ACTION_NAMES,
  journeyGraphSchema,
  journeySettingsSchema,
  type LifecycleAction,
} from '@wakeflow/journey';
import { jsonObjectSchema, problemsAnswerSchema, timestampSchema } from './common';
import { defineRoute } from './route';
import { publishRequestSchema } from './approvals';

export const journeyIdParams = z.object({ id: z.uuid('Not a journey id') });
export const journeyVersionParams = journeyIdParams.extend({
  version: z.coerce.number().int().positive('Not a version number'),
});

export const createJourneyBodySchema = z.object({
  name: z.string().trim().min(1, 'Give the journey a name').max(200),
  description: z.string().max(2000).default(''),
  /** Labels for finding the journey in the list; trimmed, without repeats. */
  tags: z
    .array(z.string().trim().min(1, 'A tag cannot be empty').max(40, 'At most 40 characters'))
    .max(20, 'At most 20 tags')
    .transform((tags) => [...new Set(tags)])
    .optional(),
  templateId: z.string().optional(),
  graph: journeyGraphSchema.optional(),
  settings: jsonObjectSchema.optional(),
});
export type CreateJourneyInput = z.input<typeof createJourneyBodySchema>;

export const renameJourneyBodySchema = createJourneyBodySchema
  .pick({ name: true, description: true, tags: true })
  .partial();

export const saveDraftBodySchema = z.object({
  graph: journeyGraphSchema,
  settings: jsonObjectSchema.default({}),
  revision: z.number().int().positive('Send the revision your draft is based on'),
});

export const validateDraftBodySchema = z.object({
  /** Checked as it comes: a malformed graph is answered with problems, not a 400. */
  graph: z.unknown().optional(),
  settings: jsonObjectSchema.optional(),
});

export const publishBodySchema = z.object({
  revision: z.number().int().positive().optional(),
  /** For the reviewer, when the workspace requires approval. */
  comment: z.string().max(5_000).default(''),
});

export const journeyListQuerySchema = z.object({
  /** `true`: the archived journeys instead of the others. */
  archived: z
    .enum(['true', 'false'], { error: 'archived: true or false' })
    .default('false')
    .transform((v) => v === 'true'),
});

export const journeyStatsQuerySchema = z.object({ version: z.coerce.number().int().positive().optional() });

/** Pause, resume, stop or archive (role `journeys.operate`); 409 when the journey is not in a state that allows it. */
export const lifecycleBodySchema = z.object({
  action: z.enum(LIFECYCLE_ACTION_NAMES as [LifecycleAction, ...LifecycleAction[]], {
    error: `action: one of ${LIFECYCLE_ACTION_NAMES.join(', ')}`,
  }),
});

export const lifecycleAnswerSchema = z.object({
  status: z.enum(JOURNEY_STATUSES),
  lifecycle: z.enum(JOURNEY_LIFECYCLES),
  /** Runs in flight told of the change (stop: to end; resume: to send what the pause held). */
  runsSignalled: z.number().int(),
});
export type LifecycleAnswer = z.infer<typeof lifecycleAnswerSchema>;

export const duplicateJourneyBodySchema = z.object({
  name: z.string().trim().min(1, 'Give the copy a name').max(200).optional(),
});

export const journeySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  status: z.string(),
  /** As shown: `scheduled` for a live journey whose launch starts later. */
  lifecycle: z.enum(JOURNEY_LIFECYCLES).optional(),
  liveVersion: z.number().nullable().optional(),
  draftRevision: z.number().optional(),
  tags: z.array(z.string()).default([]),
  /** Customers who entered, every version, to date. */
  entered: z.number().default(0),
  /** Share of the entered outside the holdout who converted (reactivated) to date; null before anyone entered. */
  reactivationRate: z.number().nullable().default(null),
  updatedAt: timestampSchema,
});
export type JourneySummary = z.infer<typeof journeySummarySchema>;

export const journeyDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  status: z.string(),
  lifecycle: z.enum(JOURNEY_LIFECYCLES).optional(),
  liveVersion: z.number().nullable().optional(),
  tags: z.array(z.string()).default([]),
  // A draft keeps whatever the manager typed (issue 17): half-filled settings are stored as typed and reported by
  // validate, so they are any object here, not the publishable `journeySettingsSchema`.
  draft: z.object({
    graph: journeyGraphSchema,
    /** As saved: a draft's settings may be incomplete, so clients read them leniently. */
    settings: jsonObjectSchema,
    revision: z.number(),
  }),
  createdAt: timestampSchema.optional(),
  updatedAt: timestampSchema,
});
export type JourneyDetail = z.infer<typeof journeyDetailSchema>;

export const publishedSchema = z.object({ version: z.number(), planHash: z.string() });

/** Publish answers 201 with the version, or 202 when the workspace requires approval and a request was made. */
export const approvalRequiredSchema = z.object({
  approvalRequired: z.literal(true),
  approval: publishRequestSchema,
});
export const publishAnswerSchema = z.union([publishedSchema, approvalRequiredSchema]);
export type PublishAnswer = z.infer<typeof publishAnswerSchema>;

export const versionSummarySchema = z.object({
  version: z.number(),
  planHash: z.string(),
  publishedAt: timestampSchema,
  publishedBy: z.string().nullable().optional(),
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;
export const versionDetailSchema = versionSummarySchema.extend({
  graph: journeyGraphSchema,
  settings: journeySettingsSchema,
  plan: z.unknown().optional(),
});
export type VersionDetail = z.infer<typeof versionDetailSchema>;

const countMap = z.record(z.string(), z.number());
export const journeyStatsSchema = z.object({
  version: z.number().nullable().optional(),
  running: z.number().optional(),
  nodes: z
    .record(z.string(), z.object({ entered: z.number(), waiting: z.number(), passed: z.number() }))
    .default({}),
  outcomes: z.record(z.string(), countMap).default({}),
  /** Per send step: messages sent, and of those delivered (the provider said so), opened and clicked. */
  messages: z
    .record(
      z.string(),
      z.object({ sent: z.number(), delivered: z.number(), opened: z.number(), clicked: z.number() }),
    )
    .default({}),
  exits: countMap.default({}),
  /** Runs that ended without an exit, by status (failed, cancelled, terminated, timed out). */
  ended: countMap.default({}),
});
export type JourneyStats = z.infer<typeof journeyStatsSchema>;
export type StepStats = JourneyStats['nodes'][string];
export type StepMessageStats = JourneyStats['messages'][string];

const tag = 'Journeys';

export const journeyRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/journeys',
    tag,
    summary: 'Journeys of the workspace, last changed first (archived ones only with `archived=true`)',
    query: journeyListQuerySchema,
    responses: { 200: z.object({ journeys: z.array(journeySummarySchema) }) },
  }),
  create: defineRoute({
    method: 'post',
    path: '/journeys',
    tag,
    summary: 'Create a journey, empty or from a template',
    body: createJourneyBodySchema,
    responses: { 201: journeyDetailSchema },
  }),
  get: defineRoute({
    method: 'get',
    path: '/journeys/:id',
    tag,
    summary: 'A journey with its draft',
    params: journeyIdParams,
    responses: { 200: journeyDetailSchema },
  }),
  rename: defineRoute({
    method: 'patch',
    path: '/journeys/:id',
    tag,
    summary: "Change a journey's name, description or tags",
    params: journeyIdParams,
    body: renameJourneyBodySchema,
    responses: { 200: journeyDetailSchema },
  }),
  saveDraft: defineRoute({
    method: 'put',
    path: '/journeys/:id/draft',
    tag,
    summary: 'Save the draft (409 `draft_conflict` when someone saved since `revision`)',
    params: journeyIdParams,
    body: saveDraftBodySchema,
    responses: { 200: z.object({ revision: z.number() }) },
  }),
  validate: defineRoute({
    method: 'post',
    path: '/journeys/:id/validate',
    tag,
    summary: 'Problems of the given (or the saved) draft',
    params: journeyIdParams,
    body: validateDraftBodySchema,
    responses: { 200: problemsAnswerSchema },
  }),
  publish: defineRoute({
    method: 'post',
    path: '/journeys/:id/publish',
    tag,
    summary: 'Publish the draft as a new version, or request approval',
    params: journeyIdParams,
    body: publishBodySchema,
    responses: { 201: publishedSchema, 202: approvalRequiredSchema },
  }),
  versions: defineRoute({
    method: 'get',
    path: '/journeys/:id/versions',
    tag,
    summary: 'Published versions, newest first',
    params: journeyIdParams,
    responses: { 200: z.object({ versions: z.array(versionSummarySchema) }) },
  }),
  version: defineRoute({
    method: 'get',
    path: '/journeys/:id/versions/:version',
    tag,
    summary: 'One published version with its graph, settings and plan',
    params: journeyVersionParams,
    responses: { 200: versionDetailSchema },
  }),
  lifecycle: defineRoute({
    method: 'post',
    path: '/journeys/:id/lifecycle',
    tag,
    summary: 'Pause, resume, stop or archive a journey',
    params: journeyIdParams,
    body: lifecycleBodySchema,
    responses: { 200: lifecycleAnswerSchema },
  }),
  duplicate: defineRoute({
    method: 'post',
    path: '/journeys/:id/duplicate',
    tag,
    summary: "A new draft journey with a copy of this journey's draft",
    params: journeyIdParams,
    body: duplicateJourneyBodySchema,
    responses: { 201: journeyDetailSchema },
  }),
  stats: defineRoute({
    method: 'get',
    path: '/journeys/:id/stats',
    tag,
    summary: 'Per-step counts of a version (the live one by default)',
    params: journeyIdParams,
    query: journeyStatsQuerySchema,
    responses: { 200: journeyStatsSchema },
  }),
};
