/**
 * Whether an event's JSON properties satisfy property filters ("purchase where amount ≥ 50"). Kept apart from the
 * filter schema so workflow code and the journey machine can use it without loading zod.
 */
import type { PropertyFilter } from './property-filter';

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
