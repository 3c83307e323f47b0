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

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function readPath(obj: unknown, path: string): unknown {
  let current: unknown = obj;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function compare(actual: unknown, filter: PropertyFilter): boolean {
  const expected = filter.value;
  switch (filter.op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'not_exists':
      return actual === undefined || actual === null;
    case 'eq':
      return (
        actual === expected || (actual != null && expected != null && String(actual) === String(expected))
      );
    case 'neq':
      return !(
        actual === expected ||
        (actual != null && expected != null && String(actual) === String(expected))
      );
    case 'contains':
      if (Array.isArray(actual)) return actual.some((v) => String(v) === String(expected));
      return typeof actual === 'string' && expected !== undefined && actual.includes(String(expected));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const a = typeof actual === 'number' ? actual : Number(actual);
      const b = typeof expected === 'number' ? expected : Number(expected);
      if (actual === null || actual === undefined || Number.isNaN(a) || Number.isNaN(b)) return false;
      if (filter.op === 'gt') return a > b;
      if (filter.op === 'gte') return a >= b;
      if (filter.op === 'lt') return a < b;
      return a <= b;
    }
  }
}

/** True when every filter matches (an empty list matches everything). */
export function matchesFilters(properties: unknown, filters: readonly PropertyFilter[] | undefined): boolean {
  return (filters ?? []).every((f) => compare(readPath(properties, f.path), f));
}
