/**
 * The dormancy overview: customers per dormancy stage × value tier (DOMAIN S-ID-3/4), one grouped count over the
 * workspace. Stages come from the clock and last activity; tiers from the last RFM recompute.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '@wakeflow/db';
import { dormancyStages, dormancyStageSql, type DormancyStage } from '../facts/dormancy';
import { loadAudienceSettings, type AudienceSettings } from '../settings';

export type TierOrUnscored = 'high' | 'mid' | 'low' | 'unscored';

export interface DormancyOverview {
  at: string;
  stages: readonly DormancyStage[];
  tiers: readonly TierOrUnscored[];
  /** Every stage × tier cell, zeros included, so a chart needs no gap filling. */
  cells: { stage: DormancyStage; tier: TierOrUnscored; customers: number }[];
  total: number;
  /** The day boundaries behind the stages, for the chart's legend. */
  stageBoundariesDays: readonly number[];
}

export const dormancyTiers: readonly TierOrUnscored[] = ['high', 'mid', 'low', 'unscored'];
const tiers = dormancyTiers;

/** `(stage, tier, customers)` of the workspace as of `now`: the count behind the overview and the daily snapshots. */
export function stageTierCountsSql(workspaceId: string, now: string, settings: AudienceSettings): SQL {
  return sql`select ${dormancyStageSql(now, settings)} as stage, coalesce(value_tier, 'unscored') as tier, count(*)::int as customers
    from customers where workspace_id = ${workspaceId} group by 1, 2`;
}

export async function dormancyOverview(
  db: Database,
  workspaceId: string,
  options: { now?: Date } = {},
): Promise<DormancyOverview> {
  const settings = await loadAudienceSettings(db, workspaceId);
  const now = (options.now ?? new Date()).toISOString();
  const rows = await db.execute<{ stage: DormancyStage; tier: TierOrUnscored; customers: number }>(
    stageTierCountsSql(workspaceId, now, settings),
  );
  const counts = new Map(rows.rows.map((r) => [`${r.stage}/${r.tier}`, r.customers]));
  const cells = dormancyStages.flatMap((stage) =>
    tiers.map((tier) => ({ stage, tier, customers: counts.get(`${stage}/${tier}`) ?? 0 })),
  );
  return {
    at: now,
    stages: dormancyStages,
    tiers,
    cells,
    total: cells.reduce((s, c) => s + c.customers, 0),
    stageBoundariesDays: settings.dormancyStagesDays,
  };
}
