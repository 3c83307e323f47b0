/**
 * SQL for JSON properties and traits with the same meaning as `matchesFilters` in @wakeflow/journey, so a
 * segment in SQL and a filter evaluated in a workflow agree on which events and customers match. Every value
 * and path from the user travels as a bound parameter.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { PropertyFilter } from '@wakeflow/journey';

/** `expr #> path` with the dot path bound as a text[] parameter. */
export function jsonAt(column: SQL, dotPath: string): SQL {
  return sql`(${column} #> ${sql.param(dotPath.split('.'))}::text[])`;
}

/**
 * A jsonb value as numeric, or null when it is not a number or a numeric string (never a cast error, so one odd
 * event cannot fail a whole segment query). Mirrors `Number(actual)` for the common cases.
 */
export function jsonNumeric(value: SQL): SQL {
  return sql`(case jsonb_typeof(${value})
    when 'number' then (${value} #>> '{}')::numeric
    when 'string' then (case when (${value} #>> '{}') ~ '^\\s*-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*$' then trim(${value} #>> '{}')::numeric end)
    else null end)`;
}

/** JSON text of a scalar as `String(actual)` would give it: strings unquoted, numbers and booleans as written. */
function jsonText(value: SQL): SQL {
  return sql`(case when jsonb_typeof(${value}) in ('string', 'number', 'boolean') then ${value} #>> '{}' end)`;
}

export type JsonOp = PropertyFilter['op'] | 'in';

/** A comparison on a jsonb value; `value` is a scalar, or a list for `in`. */
export function compareJson(
  value: SQL,
  op: JsonOp,
  expected: string | number | boolean | readonly (string | number | boolean)[] | undefined,
): SQL {
  switch (op) {
    case 'exists':
      return sql`(${value} is not null and jsonb_typeof(${value}) <> 'null')`;
    case 'not_exists':
      return sql`(${value} is null or jsonb_typeof(${value}) = 'null')`;
    case 'in': {
      const list = (Array.isArray(expected) ? expected : [expected]).map((v) => String(v));
      return sql`coalesce(${jsonText(value)} = any(${sql.param(list)}::text[]), false)`;
    }
    case 'eq':
      return sql`coalesce(${jsonText(value)} = ${String(expected)}, false)`;
    case 'neq':
      return sql`(${jsonText(value)} is distinct from ${String(expected)})`;
    case 'contains': {
      const s = String(expected);
      return sql`(case jsonb_typeof(${value})
        when 'array' then exists (select 1 from jsonb_array_elements_text(${value}) as el(v) where el.v = ${s})
        when 'string' then strpos(${value} #>> '{}', ${s}) > 0
        else false end)`;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const n = Number(expected);
      const symbol = { gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` }[op];
      return sql`coalesce(${jsonNumeric(value)} ${symbol} ${n}::numeric, false)`;
    }
  }
}

/** All property filters of an event condition, on the events alias' `properties` column. */
export function propertyFiltersSql(
  properties: SQL,
  filters: readonly PropertyFilter[] | undefined,
): SQL | undefined {
  if (!filters || filters.length === 0) return undefined;
  return sql.join(
    filters.map((f) => compareJson(jsonAt(properties, f.path), f.op, f.value)),
    sql` and `,
  );
}
