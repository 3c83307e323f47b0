/**
 * Segments: CRUD, the fields a condition can use, and the live count behind the segment builder. Definitions are
 * condition trees (`Condition` of @wakeflow/journey), checked by the server, whose problems come back as issues
 * with the node path in the tree.
 */
import { z } from 'zod';
import type { Condition } from '@wakeflow/journey';
import { timestampSchema } from './common';
import { customerSummarySchema } from './customers';
import { defineRoute } from './route';

export const segmentIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'Use lower-case letters, digits, _ and -');

export const segmentCreateSchema = z.object({
  id: segmentIdSchema.optional(),
  name: z.string().trim().min(1, 'Name the segment').max(200),
  /** A condition tree; checked by the server, which names the node at fault. */
  definition: z.unknown(),
});
export const segmentUpdateSchema = z.object({
  name: z.string().trim().min(1, 'Name the segment').max(200).optional(),
  definition: z.unknown().optional(),
});

export const segmentPreviewBodySchema = z.object({
  definition: z.unknown(),
  sampleSize: z.number().int().min(0).max(100).default(20),
  /** When previewing an edit of a saved segment: references back to it are reported as cycles. */
  segmentId: segmentIdSchema.optional(),
});

export const savedSegmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  // Checked by the server on write; clients edit it as a Condition.
  definition: z
    .custom<Condition>((v) => typeof v === 'object' && v !== null)
    .meta({ type: 'object', description: 'A condition tree (docs/audience.md)' }),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type SavedSegment = z.infer<typeof savedSegmentSchema>;

export const conditionFieldSchema = z.object({
  field: z.string(),
  label: z.string(),
  type: z.enum(['text', 'number', 'timestamp', 'date', 'boolean', 'enum']),
  values: z.array(z.string()).optional(),
});
export type ConditionField = z.infer<typeof conditionFieldSchema>;

export const segmentPreviewSchema = z.object({
  count: z.number(),
  sample: z.array(customerSummarySchema),
  tookMs: z.number(),
});
export type SegmentPreview = z.infer<typeof segmentPreviewSchema>;

const segmentAnswer = z.object({ segment: savedSegmentSchema });
const segmentParams = z.object({ id: segmentIdSchema });
const tag = 'Segments';

export const segmentRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/segments',
    tag,
    summary: 'Saved segments',
    responses: { 200: z.object({ segments: z.array(savedSegmentSchema) }) },
  }),
  fields: defineRoute({
    method: 'get',
    path: '/segments/fields',
    tag,
    summary: 'Fields a condition can use',
    responses: { 200: z.object({ fields: z.array(conditionFieldSchema) }) },
  }),
  preview: defineRoute({
    method: 'post',
    path: '/segments/preview',
    tag,
    summary: 'Count and sample of a definition',
    body: segmentPreviewBodySchema,
    responses: { 200: segmentPreviewSchema },
  }),
  create: defineRoute({
    method: 'post',
    path: '/segments',
    tag,
    summary: 'Save a segment',
    body: segmentCreateSchema,
    responses: { 201: segmentAnswer },
  }),
  get: defineRoute({
    method: 'get',
    path: '/segments/:id',
    tag,
    summary: 'One segment',
    params: segmentParams,
    responses: { 200: segmentAnswer },
  }),
  update: defineRoute({
    method: 'patch',
    path: '/segments/:id',
    tag,
    summary: "Change a segment's name or definition",
    params: segmentParams,
    body: segmentUpdateSchema,
    responses: { 200: segmentAnswer },
  }),
  remove: defineRoute({
    method: 'delete',
    path: '/segments/:id',
    tag,
    summary: 'Delete a segment (409 while journeys use it)',
    params: segmentParams,
    responses: { 204: null },
  }),
};
