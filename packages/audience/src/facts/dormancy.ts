/**
 * Dormancy stages by time since last activity (DOMAIN S-ID-3): active, 1–3, 3–6, 6–12 and 12+ months, with
 * boundaries in days from the workspace settings. Never stored: the stage changes with the clock, not with
 * events, so it is computed from `last_activity_at` when asked (SQL here, TypeScript for profiles).
 */
import { sql, type SQL } from 'drizzle-orm';
import { customers } from '@wakeflow/db';
import type { AudienceSettings } from '../settings';

export const dormancyStages = [
  'active',
  'dormant_1_3m',
  'dormant_3_6m',
  'dormant_6_12m',
  'dormant_12m_plus',
  'never_active',
] as const;
export type DormancyStage = (typeof dormancyStages)[number];

const DAY_MS = 86_400_000;

export function dormancyStageOf(
  /** A time, or ms since the epoch (NaN: none, as null). */
  lastActivityAt: Date | string | number | null,
  now: Date,
  settings: AudienceSettings,
): DormancyStage {
  if (lastActivityAt === null || Number.isNaN(lastActivityAt)) return 'never_active';
  const lastMs = typeof lastActivityAt === 'number' ? lastActivityAt : new Date(lastActivityAt).getTime();
  const days = (now.getTime() - lastMs) / DAY_MS;
  const [active, early, mid, late] = settings.dormancyStagesDays;
  if (days < active) return 'active';
  if (days < early) return 'dormant_1_3m';
  if (days < mid) return 'dormant_3_6m';
  if (days < late) return 'dormant_6_12m';
  return 'dormant_12m_plus';
}

/** Cut-off instants: a customer is in stage i when cutoff(i) < last_activity_at <= cutoff(i-1). */
function cutoffsAt(at: SQL, settings: AudienceSettings): SQL[] {
  return settings.dormancyStagesDays.map((d) => sql`(${at} - make_interval(days => ${d}))`);
}

function cutoffs(now: string, settings: AudienceSettings): SQL[] {
  return cutoffsAt(sql`${now}::timestamptz`, settings);
}

/** The stage of any last-activity expression as of any instant expression (e.g. per day in a history query). */
export function dormancyStageCaseSql(lastActivity: SQL, at: SQL, settings: AudienceSettings): SQL {
  const [c0, c1, c2, c3] = cutoffsAt(at, settings);
  const t = lastActivity;
  return sql`(case when ${t} is null then 'never_active'
    when ${t} > ${c0} then 'active' when ${t} > ${c1} then 'dormant_1_3m'
    when ${t} > ${c2} then 'dormant_3_6m' when ${t} > ${c3} then 'dormant_6_12m'
    else 'dormant_12m_plus' end)`;
}

export function dormancyStageSql(now: string, settings: AudienceSettings): SQL {
  return dormancyStageCaseSql(sql`${customers.lastActivityAt}`, sql`${now}::timestamptz`, settings);
}

/** One stage as a range on `last_activity_at`, so the (workspace, last_activity_at) index can answer it. */
export function dormancyStageRangeSql(stage: DormancyStage, now: string, settings: AudienceSettings): SQL {
  const [c0, c1, c2, c3] = cutoffs(now, settings);
  const t = customers.lastActivityAt;
  switch (stage) {
    case 'never_active':
      return sql`${t} is null`;
    case 'active':
      return sql`${t} > ${c0}`;
    case 'dormant_1_3m':
      return sql`(${t} <= ${c0} and ${t} > ${c1})`;
    case 'dormant_3_6m':
      return sql`(${t} <= ${c1} and ${t} > ${c2})`;
    case 'dormant_6_12m':
      return sql`(${t} <= ${c2} and ${t} > ${c3})`;
    case 'dormant_12m_plus':
      return sql`${t} <= ${c3}`;
  }
}
