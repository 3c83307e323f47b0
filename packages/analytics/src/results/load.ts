/**
 * Reads a journey's results from the rollup tables (never from runs): one grouped query over at most
 * days × arms rows per version, then the pure figures. Scoped by workspace like every query of the API.
 */
import { and, desc, eq, sql, type AnyColumn } from 'drizzle-orm';
import { conversionSchema, type Conversion } from '@wakeflow/journey';
import {
  journeyDailyRollups,
  journeyNodeDailyRollups,
  journeyVersions,
  journeys,
  type Database,
} from '@wakeflow/db';
import { loadAnalyticsSettings } from '../settings';
import {
  dayArmGroups,
  groupRows,
  nodeFigures,
  overallFigures,
  type GroupBy,
  type NodeFigures,
  type ResultGroup,
  type ResultsOverall,
  type RollupRow,
} from './figures';

export interface ResultsQuery {
  /** One version, or every version of the journey together. */
  version?: number;
  groupBy: GroupBy;
  /** Inclusive UTC entry days, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
}

export interface JourneyResults {
  journeyId: string;
  version: number | null;
  groupBy: GroupBy;
  /** The conversion definition of the version asked for (or of the latest version). */
  conversion: Conversion | null;
  ltvWindowDays: number;
  overall: ResultsOverall;
  groups: ResultGroup[];
  /** Only for groupBy=node. */
  nodes?: NodeFigures[];
}

const r = journeyDailyRollups;
const n = journeyNodeDailyRollups;
const num = (col: AnyColumn) => sql<number>`coalesce(sum(${col}), 0)`.mapWith(Number);

/** The summed counters of journey_daily_rollups, for any grouping. */
export function rollupTotalsSelection() {
  return {
    entered: num(r.entered),
    messaged: num(r.messaged),
    messagesSent: num(r.messagesSent),
    converted: num(r.converted),
    conversionValue: num(r.conversionValue),
    costMicros: num(r.costMicros),
    couponCents: num(r.couponCents),
    spendBefore: num(r.spendBefore),
    spendBeforeConverted: num(r.spendBeforeConverted),
    spendAfterEntry: num(r.spendAfterEntry),
    spendAfterEntrySq: num(r.spendAfterEntrySq),
    spendAfterConversion: num(r.spendAfterConversion),
  };
}

/** Null when the journey does not exist in the workspace. */
export async function loadJourneyResults(
  db: Database,
  workspaceId: string,
  journeyId: string,
  query: ResultsQuery,
): Promise<JourneyResults | null> {
  const [journey] = await db
    .select({ id: journeys.id })
    .from(journeys)
    .where(and(eq(journeys.id, journeyId), eq(journeys.workspaceId, workspaceId)));
  if (!journey) return null;

  const [versionRow] = await db
    .select({ plan: journeyVersions.plan })
    .from(journeyVersions)
    .where(
      and(
        eq(journeyVersions.journeyId, journeyId),
        eq(journeyVersions.workspaceId, workspaceId),
        ...(query.version !== undefined ? [eq(journeyVersions.version, query.version)] : []),
      ),
    )
    .orderBy(desc(journeyVersions.version))
    .limit(1);
  const parsedConversion = conversionSchema.safeParse(
    (versionRow?.plan as { settings?: { conversion?: unknown } } | undefined)?.settings?.conversion,
  );

  const scope = and(
    eq(r.workspaceId, workspaceId),
    eq(r.journeyId, journeyId),
    ...(query.version !== undefined ? [eq(r.version, query.version)] : []),
    ...(query.from ? [sql`${r.day} >= ${query.from}`] : []),
    ...(query.to ? [sql`${r.day} <= ${query.to}`] : []),
  );
  const rows: RollupRow[] = await db
    .select({
      day: r.day,
      version: sql<number>`min(${r.version})`.mapWith(Number),
      holdout: r.holdout,
      arm: r.arm,
      ...rollupTotalsSelection(),
    })
    .from(r)
    .where(scope)
    .groupBy(r.day, r.holdout, r.arm);

  const settings = await loadAnalyticsSettings(db, workspaceId);
  const result: JourneyResults = {
    journeyId,
    version: query.version ?? null,
    groupBy: query.groupBy,
    conversion: parsedConversion.success ? parsedConversion.data : null,
    ltvWindowDays: settings.ltvWindowDays,
    overall: overallFigures(rows),
    groups:
      query.groupBy === 'node'
        ? []
        : query.groupBy === 'day-arm'
          ? dayArmGroups(rows)
          : groupRows(rows, query.groupBy),
  };
  if (query.groupBy === 'node') {
    const nodeRows = await db
      .select({
        day: sql<string>`''`,
        version: sql<number>`0`.mapWith(Number),
        nodeId: n.nodeId,
        reached: num(n.reached),
        left: num(n.left),
        messagesSent: num(n.messagesSent),
        costMicros: num(n.costMicros),
        converted: num(n.converted),
      })
      .from(n)
      .where(
        and(
          eq(n.workspaceId, workspaceId),
          eq(n.journeyId, journeyId),
          ...(query.version !== undefined ? [eq(n.version, query.version)] : []),
          ...(query.from ? [sql`${n.day} >= ${query.from}`] : []),
          ...(query.to ? [sql`${n.day} <= ${query.to}`] : []),
        ),
      )
      .groupBy(n.nodeId);
    result.nodes = nodeFigures(nodeRows);
  }
  return result;
}
