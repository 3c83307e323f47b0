/**
 * `column = any($1)` with the list as one array parameter: a batch's thousand ids as one value, where `inArray`
 * would build (and PostgreSQL parse) a thousand parameters.
 */
import { sql, type Column, type SQL } from 'drizzle-orm';

export function anyOf(column: Column, values: readonly string[], type: 'uuid' | 'text'): SQL {
  return type === 'uuid'
    ? sql`${column} = any(${sql.param([...values])}::uuid[])`
    : sql`${column} = any(${sql.param([...values])}::text[])`;
}
