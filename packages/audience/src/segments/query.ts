/**
 * Running compiled conditions: a checked tree with its referenced segments (`prepareCondition`), the live count
 * and sample behind the segment builder (`previewSegment`), and keyset pages of members for sweeps.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Condition } from '@wakeflow/journey';
import { customers, type Database } from '@wakeflow/db';
import { loadAudienceSettings, type AudienceSettings } from '../settings';
import { checkCondition, ConditionInvalidError, loadReferencedSegments } from './check';
import { compileCondition } from './compile';

export interface PreparedCondition {
  condition: Condition;
  segments: ReadonlyMap<string, Condition>;
  settings: AudienceSettings;
}

/** Parses and checks a raw tree and loads what it refers to; throws ConditionInvalidError with every problem. */
export async function prepareCondition(
  db: Database,
  workspaceId: string,
  raw: unknown,
  options: { allowSinceEntry?: boolean; selfId?: string; settings?: AudienceSettings } = {},
): Promise<PreparedCondition> {
  const [segments, settings] = await Promise.all([
    loadReferencedSegments(db, workspaceId, raw),
    options.settings ? Promise.resolve(options.settings) : loadAudienceSettings(db, workspaceId),
  ]);
  const { condition, problems } = checkCondition(raw, {
    segments,
    allowSinceEntry: options.allowSinceEntry ?? false,
    ...(options.selfId ? { selfId: options.selfId } : {}),
  });
  if (!condition || problems.length > 0) throw new ConditionInvalidError(problems);
  return { condition, segments, settings };
}

/** The WHERE clause of "customers of this workspace matching the condition at `now`". */
export function segmentWhere(
  workspaceId: string,
  prepared: PreparedCondition,
  now: string,
  enteredAt?: string,
): SQL {
  const match = compileCondition(prepared.condition, {
    workspaceId,
    now,
    settings: prepared.settings,
    segments: prepared.segments,
    ...(enteredAt ? { enteredAt } : {}),
  });
  return sql`${customers.workspaceId} = ${workspaceId} and ${match}`;
}

export interface CustomerSummary {
  id: string;
  externalId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  lastActivityAt: string | null;
  valueTier: string | null;
}

export interface SegmentPreview {
  count: number;
  sample: CustomerSummary[];
  /** Milliseconds the count took: the builder shows it so slow trees are noticed. */
  tookMs: number;
}

interface SummaryRow extends Record<string, unknown> {
  id: string;
  external_id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  last_activity_at: Date | null;
  value_tier: string | null;
}

export function toSummary(r: SummaryRow): CustomerSummary {
  return {
    id: r.id,
    externalId: r.external_id,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    lastActivityAt: r.last_activity_at ? new Date(r.last_activity_at).toISOString() : null,
    valueTier: r.value_tier,
  };
}

/** A user-built tree can be expensive: previews run under a statement timeout instead of holding the database. */
const PREVIEW_TIMEOUT = '15s';

export async function previewSegment(
  db: Database,
  workspaceId: string,
  raw: unknown,
  options: { now?: Date; sampleSize?: number; selfId?: string } = {},
): Promise<SegmentPreview> {
  const prepared = await prepareCondition(
    db,
    workspaceId,
    raw,
    options.selfId ? { selfId: options.selfId } : {},
  );
  const now = (options.now ?? new Date()).toISOString();
  const where = segmentWhere(workspaceId, prepared, now);
  const started = performance.now();
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local statement_timeout = '${PREVIEW_TIMEOUT}'`));
    const counted = await tx.execute<{ count: number }>(
      sql`select count(*)::int as count from customers where ${where}`,
    );
    const tookMs = Math.round(performance.now() - started);
    const sample = await tx.execute<SummaryRow>(sql`
      select id, external_id, email, first_name, last_name, last_activity_at, value_tier
      from customers where ${where}
      order by last_activity_at desc nulls last, id limit ${options.sampleSize ?? 20}`);
    return { count: counted.rows[0]?.count ?? 0, sample: sample.rows.map(toSummary), tookMs };
  });
}

/** Customers a page reads, per customer it may return: a sparse segment reads several chunks for one page. */
const SCAN_PER_PAGE = 4;

/**
 * Customers matching, with id after `afterId`, in id order: a stable keyset page for sweeps.
 *
 * The page reads the customers after `afterId` in primary-key order, a chunk at a time, and keeps those matching:
 * what it costs is bounded by what it reads, whatever the planner believes. Asked as one query ("matching, after the
 * cursor, by id, first N"), the plan depended on the table's statistics: on a table not yet analyzed (customers just
 * imported, a server with autovacuum off) PostgreSQL fetched every customer of the workspace and sorted them for
 * each page — ~1 s a page at 1,000,000 customers, a million customers' sweep reading a billion rows.
 */
export async function matchingCustomerIds(
  db: Pick<Database, 'execute'>,
  where: SQL,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  const scan = limit * SCAN_PER_PAGE;
  const ids: string[] = [];
  let cursor = afterId;
  for (;;) {
    const after = cursor ? sql`where ${customers.id} > ${cursor}::uuid` : sql``;
    // The chunk's LIMIT keeps it a subquery of its own (never merged with the segment's conditions), so its only
    // plan is the primary key's index in order; the conditions then read only its rows. Named `customers`, the
    // chunk answers the segment's qualified column references.
    const [chunk] = (
      await db.execute<{ last: string | null; read: number; ids: string[] }>(sql`
        with chunk as (select * from customers ${after} order by ${customers.id} limit ${scan})
        select (select id::text from chunk order by id desc limit 1) as last,
               (select count(*)::int from chunk) as read,
               array(select customers.id::text from chunk as customers where ${where} order by customers.id) as ids`)
    ).rows;
    if (!chunk) return ids;
    ids.push(...chunk.ids.slice(0, limit - ids.length));
    // A full page, or the end of the table; else the next chunk, from this one's last customer.
    if (ids.length >= limit || chunk.read < scan || chunk.last === null) return ids;
    cursor = chunk.last;
  }
}
