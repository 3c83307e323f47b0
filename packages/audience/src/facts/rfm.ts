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
  // ntile(5) of the first row of a tie group, from its rank: with n rows, the first n % 5 quintiles hold one row
  // more. Same scores as `min(ntile(5) over (order by v, id)) over (partition by v)`, with one sort per score.
  const bucket = (rank: string) =>
    sql.raw(`(case when ${rank} <= (n % 5) * (n / 5 + 1) then (${rank} - 1) / (n / 5 + 1) + 1
      else (n % 5) + (${rank} - 1 - (n % 5) * (n / 5 + 1)) / greatest(n / 5, 1) + 1 end)`);
  const result = await db.transaction(async (tx) => {
    // The three sorts of a large base spill to disk at the default 4 MB.
    await tx.execute(sql.raw(`set local work_mem = '128MB'`));
    return tx.execute<{ scored: number; changed: number }>(sql`
    with ranked as (
      select ctid as row_ctid, id,
        rank() over (order by last_purchase_at) as rr,
        rank() over (order by purchase_count) as fr,
        rank() over (order by total_spend) as mr,
        count(*) over () as n
      from customers
      where workspace_id = ${workspaceId} and purchase_count > 0
    ),
    scored as (
      select row_ctid, id, ${bucket('rr')} as r, ${bucket('fr')} as f, ${bucket('mr')} as m from ranked
    ),
    tiered as (
      select row_ctid, id, r, f, m,
        case when r + f + m >= ${highMin} then 'high' when r + f + m >= ${midMin} then 'mid' else 'low' end as tier
      from scored
    ),
    updated as (
      -- In physical order (the row's ctid, checked against its id): the heap is read page by page instead of at
      -- random, which matters when the table is larger than shared buffers.
      update customers c set rfm_recency = t.r, rfm_frequency = t.f, rfm_monetary = t.m, value_tier = t.tier,
        rfm_computed_at = ${now}::timestamptz
      from (select * from tiered order by row_ctid) t
      where c.ctid = t.row_ctid and c.id = t.id
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
  });
  const row = result.rows[0];
  return { scored: row?.scored ?? 0, changed: row?.changed ?? 0, tookMs: Math.round(performance.now() - started) };
}
