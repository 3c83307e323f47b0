/**
 * Filters over an event's JSON properties ("purchase where amount ≥ 50"). Pure so the workflow, the
 * ingest path and the editor all decide a match the same way.
 */
import { z } from 'zod';

export const propertyFilterOps = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'exists',
  'not_exists',
] as const;

export const propertyFilterSchema = z.object({
  /** Dot path into the properties, e.g. `order.total`. */
  path: z
    .string()
    .min(1, 'Name the property')
    .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'Use a dot path like order.total'),
  op: z.enum(propertyFilterOps),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
export type PropertyFilter = z.infer<typeof propertyFilterSchema>;

export { matchesFilters, readPath, type JsonObject, type JsonValue } from './property-match';
