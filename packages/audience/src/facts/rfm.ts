/**
 * RFM quintile scores and value tiers (DOMAIN S-ID-4), recomputed on a schedule because a quintile depends on
 * the whole customer base, not on one customer's events. One set-based statement per workspace:
 *   R = ntile(5) by last purchase time (5 = most recent), F = ntile(5) by purchase count, M = ntile(5) by spend,
 * over customers with at least one purchase. Tied values share a score (the lowest ntile any of them got):
 * plain ntile would split equal customers across quintiles at random, e.g. the many one-time buyers.
 * Tier: R+F+M ≥ highMin → high, ≥ midMin → mid, otherwise low; customers without a purchase are low.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '@wakeflow/db';
import { loadAudienceSettings, type AudienceSettings } from '../settings';

export interface RfmResult {
  /** Customers with a purchase that received scores. */
  scored: number;
  /** Rows whose scores or tier changed (only those are written). */
  changed: number;
  tookMs: number;
}

export async function recomputeRfm(
  db: Database,
  workspaceId: string,
  options: { settings?: AudienceSettings; now?: Date } = {},
): Promise<RfmResult> {
  const settings = options.settings ?? (await loadAudienceSettings(db, workspaceId));
  const { highMin, midMin } = settings.valueTier;
  const now = (options.now ?? new Date()).toISOString();
  const started = performance.now();
  const result = await db.execute<{ scored: number; changed: number }>(sql`
    with ranked as (
      select id, last_purchase_at, purchase_count, total_spend,
        ntile(5) over (order by last_purchase_at, id) as r0,
        ntile(5) over (order by purchase_count, id) as f0,
        ntile(5) over (order by total_spend, id) as m0
      from customers
      where workspace_id = ${workspaceId} and purchase_count > 0
    ),
    scored as (
      select id,
        min(r0) over (partition by last_purchase_at) as r,
        min(f0) over (partition by purchase_count) as f,
        min(m0) over (partition by total_spend) as m
      from ranked
    ),
    tiered as (
      select id, r, f, m,
        case when r + f + m >= ${highMin} then 'high' when r + f + m >= ${midMin} then 'mid' else 'low' end as tier
      from scored
    ),
    updated as (
      update customers c set rfm_recency = t.r, rfm_frequency = t.f, rfm_monetary = t.m, value_tier = t.tier,
        rfm_computed_at = ${now}::timestamptz
      from tiered t
      where c.id = t.id
        and (c.rfm_recency, c.rfm_frequency, c.rfm_monetary, c.value_tier) is distinct from (t.r::smallint, t.f::smallint, t.m::smallint, t.tier)
      returning 1
    ),
    cleared as (
      update customers c set rfm_recency = null, rfm_frequency = null, rfm_monetary = null, value_tier = 'low',
        rfm_computed_at = ${now}::timestamptz
      where c.workspace_id = ${workspaceId} and c.purchase_count = 0
        and (c.value_tier is distinct from 'low' or c.rfm_recency is not null)
      returning 1
    )
    select (select count(*)::int from tiered) as scored,
           (select count(*)::int from updated) + (select count(*)::int from cleared) as changed`);
  const row = result.rows[0];
  return { scored: row?.scored ?? 0, changed: row?.changed ?? 0, tookMs: Math.round(performance.now() - started) };
}
