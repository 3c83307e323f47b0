/**
 * How the workspace's fact definitions classify an event row, as SQL over its columns: whether it is activity, a
 * login or a purchase, and a purchase's amount. One place, so ingest, the facts rebuild and the dormancy backfill
 * cannot disagree. Event names and the amount path are bound parameters.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AudienceSettings } from '../settings';
import { jsonNumeric } from '../sql/json';

/**
 * A fact time capped at now, null staying null (`least` would turn null into now). Ingest refuses events dated
 * beyond the future skew; this keeps any that got in from moving a fact past now for good — facts only move
 * forward, so a last activity in 2199 would never become dormant. Ingest and the rebuild both use it.
 */
export function notAfterNow(time: SQL): SQL {
  return sql`(case when ${time} > now() then now() else ${time} end)`;
}

export function isActivitySql(settings: AudienceSettings, name: SQL): SQL {
  const names = sql.param(settings.activity.events);
  return settings.activity.mode === 'only'
    ? sql`${name} = any(${names}::text[])`
    : sql`not (${name} = any(${names}::text[]))`;
}

/** How the workspace's fact definitions classify an event row, each as a SQL expression over its columns. */
export interface EventKindSql {
  isActivity: SQL;
  isLogin: SQL;
  isPurchase: SQL;
  /** A purchase's amount; 0 otherwise. */
  amount: SQL;
}

/**
 * Each classification as an expression. Without refunds a negative amount counts as 0: ingest refuses them, this
 * covers rows stored before it did.
 */
export function eventKindSql(settings: AudienceSettings, row: { name: SQL; properties: SQL }): EventKindSql {
  const isPurchase = sql`${row.name} = any(${sql.param(settings.purchaseEvents)}::text[])`;
  const amount = jsonNumeric(
    sql`${row.properties} #> ${sql.param(settings.amountProperty.split('.'))}::text[]`,
  );
  return {
    isActivity: isActivitySql(settings, row.name),
    isLogin: sql`${row.name} = any(${sql.param(settings.loginEvents)}::text[])`,
    isPurchase,
    amount: sql`case when ${isPurchase} then ${settings.allowRefunds ? sql`coalesce(${amount}, 0)` : sql`greatest(coalesce(${amount}, 0), 0)`} else 0 end`,
  };
}

/** The columns `is_activity, is_login, is_purchase, amount` (0 unless a purchase) for a select list. */
export function eventKindColumns(settings: AudienceSettings, row: { name: SQL; properties: SQL }): SQL {
  const kind = eventKindSql(settings, row);
  return sql`${kind.isActivity} as is_activity, ${kind.isLogin} as is_login, ${kind.isPurchase} as is_purchase,
      ${kind.amount} as amount`;
}
