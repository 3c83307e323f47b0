/** Publish approvals: requests, the reviewer's view with the diff and validation, approve and reject. */
import { z } from 'zod';
import { journeyGraphSchema } from '@wakeflow/journey';
import { problemSchema } from './common';
import { defineRoute } from './route';

export const publishRequestStatuses = ['pending', 'approved', 'rejected', 'superseded'] as const;
export type PublishRequestStatus = (typeof publishRequestStatuses)[number];

export const publishRequestSchema = z.object({
  id: z.string(),
  journeyId: z.string(),
  journeyName: z.string(),
  draftRevision: z.number(),
  baseVersion: z.number().nullable(),
  status: z.string(),
  requestedBy: z.string(),
  requestComment: z.string().nullable(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decisionComment: z.string().nullable(),
  decidedAt: z.string().nullable(),
  version: z.number().nullable(),
});
export type Approval = z.infer<typeof publishRequestSchema>;

const diffNode = z.object({ id: z.string(), type: z.string().optional() }).loose();
export const approvalDetailSchema = z.object({
  approval: publishRequestSchema,
  liveVersion: z.number().nullable(),
  diffAgainstVersion: z.number().nullable(),
  diff: z.object({
    nodes: z.object({
      added: z.array(diffNode),
      removed: z.array(diffNode),
      changed: z.array(z.object({ id: z.string(), before: z.unknown(), after: z.unknown() })),
    }),
    edges: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
    settings: z.array(z.object({ key: z.string(), before: z.unknown(), after: z.unknown() })),
    unchanged: z.boolean(),
  }),
  validation: z.object({ valid: z.boolean(), problems: z.array(problemSchema) }),
  graph: journeyGraphSchema,
  settings: z.record(z.string(), z.unknown()),
});
export type ApprovalDetail = z.infer<typeof approvalDetailSchema>;

export const approvalListQuerySchema = z.object({
  status: z.enum(publishRequestStatuses).optional(),
  journeyId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const approveBodySchema = z.object({ comment: z.string().max(5_000).default('') });
/** A rejection says why, so the author can fix it. */
export const rejectBodySchema = z.object({
  comment: z.string().trim().min(1, 'Say why, so the author can fix it').max(5_000),
});
export const approvalParams = z.object({ id: z.uuid('Not a publish request id') });

export const decisionAnswerSchema = z
  .object({ approval: publishRequestSchema, version: z.number().optional(), planHash: z.string().optional() })
  .loose();

const tag = 'Approvals';
const approvalList = z.object({ approvals: z.array(publishRequestSchema) });

export const approvalRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/approvals',
    tag,
    summary: 'Publish requests, by status',
    query: approvalListQuerySchema,
    responses: { 200: approvalList },
  }),
  ofJourney: defineRoute({
    method: 'get',
    path: '/journeys/:id/approvals',
    tag,
    summary: "A journey's publish requests",
    params: z.object({ id: z.uuid('Not a journey id') }),
    responses: { 200: approvalList },
  }),
  get: defineRoute({
    method: 'get',
    path: '/approvals/:id',
    tag,
    summary: 'One request with the diff against the live version and its validation',
    params: approvalParams,
    responses: { 200: approvalDetailSchema },
  }),
  approve: defineRoute({
    method: 'post',
    path: '/approvals/:id/approve',
    tag,
    summary: 'Approve: publishes exactly the requested snapshot',
    params: approvalParams,
    body: approveBodySchema,
    responses: { 200: decisionAnswerSchema },
  }),
  reject: defineRoute({
    method: 'post',
    path: '/approvals/:id/reject',
    tag,
    summary: 'Reject, with a comment',
    params: approvalParams,
    body: rejectBodySchema,
    responses: { 200: decisionAnswerSchema },
  }),
};
