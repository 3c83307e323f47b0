/** Small shapes many resources share: timestamps on the wire, ids, journey problems. */
import { z } from 'zod';

/** A point in time as JSON carries it: an ISO 8601 string (the API's `Date`s serialize to this). */
export const timestampSchema = z.string().describe('ISO 8601 date-time');

/** Free-form JSON object (node configs, settings bags, JSON Schemas the API hands out). */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

export const uuidParams = (message: string) => z.object({ id: z.uuid(message) });

/**
 * A journey problem as the API returns it (see `Problem` in @wakeflow/journey). The code stays a string so a
 * newer server's codes never break an older client.
 */
export const problemSchema = z.object({
  code: z.string(),
  nodeId: z.string().optional(),
  path: z.string(),
  message: z.string(),
});
export type ApiProblem = z.infer<typeof problemSchema>;
export const problemsAnswerSchema = z.object({ problems: z.array(problemSchema) });

/** `{ ok: true }`-style acknowledgements. */
export const okSchema = z.object({ ok: z.boolean() }).loose();
