/**
 * How the workspace's fact definitions classify an event row, as SQL over its columns: whether it is activity, a
 * login or a purchase, and a purchase's amount. One place, so ingest, the facts rebuild and the dormancy backfill
 * cannot disagree. Event names and the amount path are bound parameters.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AudienceSettings } from '../settings';
import { jsonNumeric } from '../sql/json';

export function isActivitySql(settings: AudienceSettings, name: SQL): SQL {
  const names = sql.param(settings.activity.events);
  return settings.activity.mode === 'only'
    ? sql`${name} = any(${names}::text[])`
    : sql`not (${name} = any(${names}::text[]))`;
}

/** The columns `is_activity, is_login, is_purchase, amount` (0 unless a purchase) for a select list. */
export function eventKindColumns(settings: AudienceSettings, row: { name: SQL; properties: SQL }): SQL {
  const isPurchase = sql`${row.name} = any(${sql.param(settings.purchaseEvents)}::text[])`;
  const amount = jsonNumeric(
    sql`${row.properties} #> ${sql.param(settings.amountProperty.split('.'))}::text[]`,
  );
  return sql`${isActivitySql(settings, row.name)} as is_activity,
      ${row.name} = any(${sql.param(settings.loginEvents)}::text[]) as is_login,
      ${isPurchase} as is_purchase,
      case when ${isPurchase} then coalesce(${amount}, 0) else 0 end as amount`;
}
