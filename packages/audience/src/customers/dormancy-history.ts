/**
 * Customers per dormancy stage × value tier over time. A stage depends on the clock, so yesterday's counts cannot
 * be recomputed from `customers` today: `snapshotDormancy` files the current counts under a UTC day (daily from
 * the analytics maintenance), `backfillDormancyFromEvents` reconstructs past days from the event log (demo data),
 * and `dormancyHistory` reads the snapshots back. Stages use the same SQL as the live overview, so both agree.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '@wakeflow/db';
import { dormancyStageCaseSql, dormancyStages, type DormancyStage } from '../facts/dormancy';
import { loadAudienceSettings } from '../settings';
import { dormancyTiers, stageTierCountsSql, type TierOrUnscored } from './dormancy-overview';
import { isActivitySql } from '../facts/event-kinds';

const DAY_MS = 86_400_000;

const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** Every stage × tier pair; each snapshot day stores all of them (zeros too) so a rerun leaves no stale cell. */
const allCells = sql`unnest(${sql.param([...dormancyStages])}::text[]) s(stage) cross join unnest(${sql.param([...dormancyTiers])}::text[]) t(tier)`;

export interface SnapshotResult {
  day: string;
  total: number;
}

/**
 * Writes the workspace's stage × tier counts as of `now` (default: the current time) under `day` (default: the UTC
 * day of `now`). One statement; rerunning it for the same day overwrites that day's counts.
 */
export async function snapshotDormancy(
  db: Database,
  workspaceId: string,
  options: { day?: string; now?: Date } = {},
): Promise<SnapshotResult> {
  const settings = await loadAudienceSettings(db, workspaceId);
  const now = options.now ?? new Date();
  const day = options.day ?? utcDay(now);
  const result = await db.execute<{ customers: number }>(sql`
    with counts as (${stageTierCountsSql(workspaceId, now.toISOString(), settings)})
    insert into dormancy_daily_snapshots (workspace_id, day, stage, value_tier, customers, taken_at)
    select ${workspaceId}, ${day}::date, s.stage, t.tier, coalesce(c.customers, 0), ${now.toISOString()}::timestamptz
    from ${allCells}
    left join counts c on c.stage = s.stage and c.tier = t.tier
    on conflict (workspace_id, day, stage, value_tier) do update set customers = excluded.customers, taken_at = excluded.taken_at
    returning customers`);
  return { day, total: result.rows.reduce((sum, r) => sum + r.customers, 0) };
}

/**
 * Reconstructs past days from the event log: for each UTC day from `from` to `to`, each customer's stage as of the
 * end of that day from their last activity event before it. A customer counts from their sign-up (or creation, or
 * first activity, whichever is first). Tiers are today's (RFM has no history). Days that already have a snapshot
 * are left alone: a recorded snapshot beats a reconstruction. Set-based; meant for demo-sized workspaces.
 */
export async function backfillDormancyFromEvents(
  db: Database,
  workspaceId: string,
  range: { from: string; to: string },
): Promise<{ days: number }> {
  const settings = await loadAudienceSettings(db, workspaceId);
  const result = await db.execute<{ day: string }>(sql`
    with days as (
      select d::date as day, ((d::date + 1)::timestamp at time zone 'UTC') as at
      from generate_series(${range.from}::date, ${range.to}::date, interval '1 day') d
    ),
    -- Each activity is the last one from its instant until the next: last activity as of T is the row with
    -- at_from < T <= at_to, found by a range join instead of a max() per customer and day.
    acts as (
      select e.customer_id, e.occurred_at as at_from,
        lead(e.occurred_at) over (partition by e.customer_id order by e.occurred_at) as at_to
      from events e
      where e.workspace_id = ${workspaceId} and e.customer_id is not null and ${isActivitySql(settings, sql`e.name`)}
    ),
    per_customer as (
      select d.day, coalesce(c.value_tier, 'unscored') as tier,
        ${dormancyStageCaseSql(sql`a.at_from`, sql`d.at`, settings)} as stage
      from days d
      join customers c on c.workspace_id = ${workspaceId}
      left join acts a on a.customer_id = c.id and a.at_from < d.at and (a.at_to is null or a.at_to >= d.at)
      where a.at_from is not null or coalesce(c.signed_up_at, c.created_at) < d.at
    ),
    counts as (select day, stage, tier, count(*)::int as n from per_customer group by 1, 2, 3)
    insert into dormancy_daily_snapshots (workspace_id, day, stage, value_tier, customers, taken_at)
    select ${workspaceId}, d.day, s.stage, t.tier, coalesce(c.n, 0), now()
    from days d cross join ${allCells}
    left join counts c on c.day = d.day and c.stage = s.stage and c.tier = t.tier
    on conflict (workspace_id, day, stage, value_tier) do nothing
    returning day`);
  return { days: new Set(result.rows.map((r) => String(r.day))).size };
}

export interface DormancyHistoryCell {
  day: string;
  stage: DormancyStage;
  tier: TierOrUnscored;
  customers: number;
}

export interface DormancyHistory {
  from: string;
  to: string;
  stages: readonly DormancyStage[];
  tiers: readonly TierOrUnscored[];
  /** Days that have a snapshot, ascending; a day without one is missing, not zero. */
  days: string[];
  /** Every stage × tier cell of those days (only `tier`'s when filtered), zeros included. */
  cells: DormancyHistoryCell[];
}

/** The snapshots between `from` and `to` (inclusive UTC days; defaults: the 90 days up to today). */
export async function dormancyHistory(
  db: Database,
  workspaceId: string,
  options: { from?: string; to?: string; tier?: TierOrUnscored; now?: Date } = {},
): Promise<DormancyHistory> {
  const to = options.to ?? utcDay(options.now ?? new Date());
  const from = options.from ?? utcDay(new Date(Date.parse(`${to}T00:00:00Z`) - 89 * DAY_MS));
  const tierFilter = options.tier ? sql`and value_tier = ${options.tier}` : sql``;
  const rows = await db.execute<{
    day: string;
    stage: DormancyStage;
    tier: TierOrUnscored;
    customers: number;
  }>(sql`
    select to_char(day, 'YYYY-MM-DD') as day, stage, value_tier as tier, customers
    from dormancy_daily_snapshots
    where workspace_id = ${workspaceId} and day between ${from}::date and ${to}::date ${tierFilter}
    order by day, stage, value_tier`);
  const cells = rows.rows;
  return {
    from,
    to,
    stages: dormancyStages,
    tiers: options.tier ? [options.tier] : dormancyTiers,
    days: [...new Set(cells.map((c) => c.day))],
    cells,
  };
}
