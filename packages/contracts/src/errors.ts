/**
 * The one error shape every API failure has (apps/api/src/http/errors.ts builds it): a stable code, a sentence,
 * and for bad input the field paths at fault (`body.name`, `query.limit`). Some errors add details of their own
 * (`problems` of a journey, `currentRevision` of a draft conflict, `retryAfterSeconds` of an outage, `usedBy` of a
 * refused delete).
 */
import { z } from 'zod';
import { problemSchema } from './common';

export const fieldIssueSchema = z.object({
  /** Where the bad value is: `body.…`, `query.…` or `params.…`, segments joined by dots. */
  path: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** A journey that uses something a delete would remove: its draft, and the versions live or with runs in flight. */
export const referenceUseSchema = z.object({
  journeyId: z.string(),
  journeyName: z.string(),
  draft: z.boolean(),
  versions: z.array(z.number().int()),
});
export type ReferenceUse = z.infer<typeof referenceUseSchema>;

export const apiErrorSchema = z
  .object({
    code: z.string(),
    message: z.string(),
    issues: z.array(fieldIssueSchema).optional(),
    problems: z.array(problemSchema).optional(),
    retryAfterSeconds: z.number().optional(),
    /** `in_use` (409): the journeys whose draft or running versions refer to what was to be deleted. */
    usedBy: z.array(referenceUseSchema).optional(),
  })
  .loose();

export const errorBodySchema = z.object({ error: apiErrorSchema });
export type ErrorBody = z.infer<typeof errorBodySchema>;
