/**
 * Incremental fact maintenance: given a set of newly attached events, move each customer's last-activity /
 * last-login / last-purchase times forward, add to purchase count and spend, and add to the daily rollup that
 * rolling windows are summed from. Written as CTEs that the ingest and attach statements append to their own
 * `changed(customer_id, name, properties, occurred_at)` CTE, so facts change in the same statement as the
 * events and can never count an event twice (only rows the statement itself inserted or attached reach it).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AudienceSettings } from '../settings';
import { eventKindColumns, notAfterNow } from './event-kinds';

/** `changed` must be defined by the caller; these CTEs follow it (`with changed as (…), <these>`). */
export function factUpdateCtes(workspaceId: string, settings: AudienceSettings): SQL {
  return sql`
  fact_events as (
    select ch.customer_id, ch.occurred_at,
      ${eventKindColumns(settings, { name: sql`ch.name`, properties: sql`ch.properties` })}
    from changed ch
    where ch.customer_id is not null
  ),
  fact_customers as (
    update customers c set
      -- Capped at now (notAfterNow), so an event from the future that got in cannot put a fact there.
      last_activity_at = greatest(c.last_activity_at, ${notAfterNow(sql`f.last_activity`)}),
      last_login_at = greatest(c.last_login_at, ${notAfterNow(sql`f.last_login`)}),
      last_purchase_at = greatest(c.last_purchase_at, ${notAfterNow(sql`f.last_purchase`)}),
      purchase_count = c.purchase_count + f.purchases,
      total_spend = c.total_spend + f.spend,
      updated_at = now()
    from (
      select customer_id,
        max(occurred_at) filter (where is_activity) as last_activity,
        max(occurred_at) filter (where is_login) as last_login,
        max(occurred_at) filter (where is_purchase) as last_purchase,
        count(*) filter (where is_purchase)::int as purchases,
        coalesce(sum(amount) filter (where is_purchase), 0) as spend
      from fact_events group by customer_id
    ) f
    where c.id = f.customer_id and c.workspace_id = ${workspaceId}
    returning c.id
  ),
  fact_daily as (
    insert into customer_daily_activity (workspace_id, customer_id, day, activity_count, login_count, purchase_count, spend)
    select ${workspaceId}, customer_id, (occurred_at at time zone 'UTC')::date as day,
      count(*) filter (where is_activity)::int, count(*) filter (where is_login)::int,
      count(*) filter (where is_purchase)::int, coalesce(sum(amount) filter (where is_purchase), 0)
    from fact_events
    where is_activity or is_login or is_purchase
    group by customer_id, day
    -- A stable order makes concurrent batches lock rollup rows in the same order.
    order by customer_id, day
    on conflict (customer_id, day) do update set
      activity_count = customer_daily_activity.activity_count + excluded.activity_count,
      login_count = customer_daily_activity.login_count + excluded.login_count,
      purchase_count = customer_daily_activity.purchase_count + excluded.purchase_count,
      spend = customer_daily_activity.spend + excluded.spend
    returning 1
  )`;
}
