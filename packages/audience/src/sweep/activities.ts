/**
 * The audience sweep activity: pages through the customers of a journey's trigger segment in id order, lets the
 * re-entry policy pick who enters now, starts their runs through the injected `RunStarter`, and records
 * membership, progress and the cursor in one transaction per page. The cursor is also heartbeated, so a worker
 * that dies mid-sweep is replaced by a retry that resumes after the last finished page: a page is never skipped,
 * and a page redone after a crash starts nobody twice (run ids are deterministic, and `mayEnter` skips customers
 * this sweep already recorded).
 */
import { Context } from '@temporalio/activity';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { launchSchema, reentrySchema, restrictsEntries, type Reentry } from '@wakeflow/journey';
import { audienceSweeps, journeys, journeyVersions, type Database } from '@wakeflow/db';
import { attachOrphanEvents } from '../ingest/customers';
import { recomputeRfm } from '../facts/rfm';
import { rebuildFactsActivity } from '../facts/rebuild';
import type { FactsRebuildActivities } from '../facts/rebuild-types';
import { prepareCondition, matchingCustomerIds, segmentWhere } from '../segments/query';
import { mayEnter, type MemberState } from './reentry';
import {
  ENTRY_LIMIT_REFUSALS,
  RUN_REFUSALS,
  type AudienceMaintenanceActivities,
  type AudienceSweepActivities,
  type AudienceSweepInput,
  type RunStarter,
  type SweepHeartbeat,
  type SweepProgress,
} from './types';
import { eachLimited } from '../each-limited';

/** The parts of a published plan the sweep needs; the rest of the plan is the interpreter's business. */
const planTriggerSchema = z.object({
  trigger: z.object({ type: z.string(), config: z.record(z.string(), z.unknown()) }),
  settings: z.object({
    reentry: reentrySchema.default({ mode: 'once' }),
    launch: launchSchema.optional(),
  }),
});

export type AudienceSource =
  | {
      kind: 'segment';
      segmentId: string;
      reentry: Reentry;
      /** The live version's launch settings can turn entries away (limits, a window): pages go one at a time. */
      restrictsEntries: boolean;
    }
  | { kind: 'skip'; reason: string };

/** What the live version of a journey sweeps for, or why it does not. */
export async function liveAudienceSource(
  db: Database,
  workspaceId: string,
  journeyId: string,
): Promise<AudienceSource> {
  const rows = await db
    .select({ status: journeys.status, plan: journeyVersions.plan })
    .from(journeys)
    .leftJoin(
      journeyVersions,
      and(eq(journeyVersions.journeyId, journeys.id), eq(journeyVersions.version, journeys.liveVersion)),
    )
    .where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.id, journeyId)));
  const row = rows[0];
  if (!row) return { kind: 'skip', reason: 'journey not found' };
  if (row.status !== 'live' || !row.plan) return { kind: 'skip', reason: `journey is ${row.status}` };
  const plan = planTriggerSchema.safeParse(row.plan);
  if (!plan.success) return { kind: 'skip', reason: 'live plan has no readable trigger' };
  const { trigger, settings } = plan.data;
  const segmentId = trigger.config.segmentId;
  if (trigger.type !== 'audience_trigger' || typeof segmentId !== 'string')
    return { kind: 'skip', reason: 'trigger is not an audience trigger' };
  return {
    kind: 'segment',
    segmentId,
    reentry: settings.reentry,
    restrictsEntries: restrictsEntries(settings.launch),
  };
}

interface MemberRow extends Record<string, unknown> {
  customer_id: string;
  entries: number;
  last_entered_at: Date | null;
  last_matched_sweep: string | null;
}

/** What the sweep knows of each of these customers' past with the journey (absent: never matched a sweep). */
export async function memberStatesOf(
  db: Database,
  journeyId: string,
  customerIds: readonly string[],
): Promise<Map<string, MemberState>> {
  const members = await db.execute<MemberRow>(sql`
    select customer_id, entries, last_entered_at, last_matched_sweep from journey_audience_members
    where journey_id = ${journeyId} and customer_id = any(${sql.param(customerIds)}::uuid[])`);
  return new Map<string, MemberState>(
    members.rows.map((m) => [
      m.customer_id,
      {
        entries: m.entries,
        lastEnteredAt: m.last_entered_at ? new Date(m.last_entered_at) : null,
        lastMatchedSweep: m.last_matched_sweep === null ? null : Number(m.last_matched_sweep),
      },
    ]),
  );
}

/** The journey's last completed sweep (before `beforeId`, when given): what `always` re-entry compares with. */
export async function lastCompletedSweepId(
  db: Database,
  journeyId: string,
  beforeId?: number,
): Promise<number | null> {
  const before = beforeId === undefined ? sql`` : sql`and id < ${beforeId}`;
  const previous = await db.execute<{ id: string | null }>(sql`
    select max(id) as id from audience_sweeps where journey_id = ${journeyId} and status = 'completed' ${before}`);
  return previous.rows[0]?.id == null ? null : Number(previous.rows[0].id);
}

/** Whether this customer's run with this entry number exists (any version): the page was done before. */
async function entryRunExists(
  db: Database,
  journeyId: string,
  customerId: string,
  entry: number,
): Promise<boolean> {
  const found = await db.execute(sql`
    select 1 from runs where journey_id = ${journeyId} and customer_id = ${customerId} and entry = ${entry} limit 1`);
  return found.rows.length > 0;
}

export interface SweepDependencies {
  db: Database;
  runs: RunStarter;
  /** Runs started concurrently within a page (when the starter has no bulk start). */
  startConcurrency?: number;
  /** Pages started at once when the journey has no launch limits (default 3). */
  pageConcurrency?: number;
  /** Called with each heartbeat; outside an activity (tests, scripts) this is the only heartbeat. */
  onPage?: (progress: SweepHeartbeat) => void | Promise<void>;
}

function heartbeat(details: SweepHeartbeat): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Not inside an activity (called directly): nothing to heartbeat to.
  }
}

export async function runAudienceSweep(
  deps: SweepDependencies,
  input: AudienceSweepInput & { sweepKey: string },
): Promise<SweepProgress> {
  const { db, runs } = deps;
  const { workspaceId, journeyId, sweepKey } = input;
  const pageSize = input.pageSize ?? 500;

  // The sweep row is created once per sweep key: a retried activity finds it with its counters and cursor.
  await db.insert(audienceSweeps).values({ workspaceId, journeyId, sweepKey }).onConflictDoNothing();
  const [sweep] = await db
    .select()
    .from(audienceSweeps)
    .where(and(eq(audienceSweeps.workspaceId, workspaceId), eq(audienceSweeps.sweepKey, sweepKey)));
  if (!sweep) throw new Error(`sweep ${sweepKey} could not be recorded`);
  const progressOf = (s: typeof sweep): SweepProgress => ({
    sweepId: s.id,
    status: s.status,
    ...(s.reason ? { reason: s.reason } : {}),
    scanned: s.scanned,
    matched: s.matched,
    started: s.started,
    cursor: s.cursor,
  });
  if (sweep.status !== 'running') return progressOf(sweep);

  const source = await liveAudienceSource(db, workspaceId, journeyId);
  if (source.kind === 'skip') {
    const [done] = await db
      .update(audienceSweeps)
      .set({ status: 'skipped', reason: source.reason, finishedAt: new Date() })
      .where(eq(audienceSweeps.id, sweep.id))
      .returning();
    return progressOf(done ?? sweep);
  }

  const prepared = await prepareCondition(db, workspaceId, {
    kind: 'segment',
    segmentId: source.segmentId,
    member: true,
  });
  const previousSweepId = await lastCompletedSweepId(db, journeyId, sweep.id);

  // The database row is the source of truth for the cursor (written with the page's membership in one
  // transaction); the heartbeat carries the same values so the retry and the Temporal UI can see progress.
  let { cursor, scanned, matched, started } = sweep;
  heartbeat({ sweepId: sweep.id, cursor, scanned, matched, started });
  // Set when the journey's window or limits turn a customer away: the rest of this sweep would be turned away too.
  let limited: string | undefined;

  interface StartedPage {
    ids: string[];
    now: Date;
    /** The customers the re-entry policy let in, and those of them who entered. */
    entering: string[];
    entered: string[];
  }
  /** Starts a page's entering customers (the whole page at once when the starter can); writes nothing of its own. */
  const startPage = async (ids: string[], now: Date): Promise<StartedPage> => {
    const byCustomer = await memberStatesOf(db, journeyId, ids);
    const facts = { sweepId: sweep.id, previousSweepId, now };
    const entering = ids.filter((id) => mayEnter(source.reentry, byCustomer.get(id), facts));

    const entered: string[] = [];
    const entryOf = (customerId: string) => (byCustomer.get(customerId)?.entries ?? 0) + 1;
    // The whole page at once when the starter can (cohorts from its threshold on), else one by one.
    const bulk = runs.startRuns
      ? await runs.startRuns({
          workspaceId,
          journeyId,
          entries: entering.map((customerId) => ({ customerId, entry: entryOf(customerId) })),
          now,
        })
      : undefined;
    const bulkIndex = new Map(entering.map((customerId, i) => [customerId, i]));
    await eachLimited(entering, deps.startConcurrency ?? 16, async (customerId) => {
      // A limit met stops further starts; answers the bulk start already has are all taken, since the starter admits
      // the page concurrently and any of its customers may be the one refused while others behind it entered.
      const answered = bulk?.[bulkIndex.get(customerId) ?? -1];
      if (!answered && limited !== undefined) return;
      const entry = entryOf(customerId);
      const result = answered ?? (await runs.startRun({ workspaceId, journeyId, customerId, entry, now }));
      if (!result.started && result.reason !== undefined && ENTRY_LIMIT_REFUSALS.includes(result.reason))
        limited = result.reason;
      // A refusal (still in an earlier run of this journey, journey no longer live) is no entry: not counted, and
      // the membership's entry count stays, so the next entry keeps the next run number. Unless the run the
      // starter found is this very entry's, started by an earlier attempt of this page that crashed before
      // recording it: then the customer did enter.
      if (
        !result.started &&
        result.reason !== undefined &&
        RUN_REFUSALS.includes(result.reason) &&
        !(await entryRunExists(db, journeyId, customerId, entry))
      )
        return;
      // `started: false` otherwise means this entry's run already exists: an earlier attempt of this page started
      // it and crashed before recording the page. It is counted, since that attempt's counts were never written.
      entered.push(customerId);
    });
    return { ids, now, entering, entered };
  };

  /** Writes a started page's membership, counters and cursor in one transaction; pages are recorded in order. */
  const recordPage = async ({ ids, now, entering, entered }: StartedPage): Promise<void> => {
    const pageCursor = ids[ids.length - 1] ?? cursor;
    await db.transaction(async (tx) => {
      await tx.execute(sql`
        insert into journey_audience_members (workspace_id, journey_id, customer_id, entries, last_entered_at, last_matched_sweep)
        select ${workspaceId}, ${journeyId}::uuid, id, case when id = any(${sql.param(entered)}::uuid[]) then 1 else 0 end,
               case when id = any(${sql.param(entered)}::uuid[]) then ${now.toISOString()}::timestamptz end, ${sweep.id}
        from unnest(${sql.param(ids)}::uuid[]) as id
        on conflict (journey_id, customer_id) do update set
          entries = journey_audience_members.entries + case when excluded.entries > 0 then 1 else 0 end,
          last_entered_at = coalesce(excluded.last_entered_at, journey_audience_members.last_entered_at),
          previous_matched_sweep = case when journey_audience_members.last_matched_sweep = excluded.last_matched_sweep
            then journey_audience_members.previous_matched_sweep else journey_audience_members.last_matched_sweep end,
          last_matched_sweep = excluded.last_matched_sweep`);
      await tx
        .update(audienceSweeps)
        .set({
          cursor: pageCursor,
          scanned: sql`${audienceSweeps.scanned} + ${ids.length}`,
          matched: sql`${audienceSweeps.matched} + ${entering.length}`,
          started: sql`${audienceSweeps.started} + ${entered.length}`,
        })
        .where(eq(audienceSweeps.id, sweep.id));
    });
    cursor = pageCursor;
    scanned += ids.length;
    matched += entering.length;
    started += entered.length;
    const beat = { sweepId: sweep.id, cursor, scanned, matched, started };
    heartbeat(beat);
    await deps.onPage?.(beat);
  };

  // Pages are read in id order and recorded in that order, so the cursor only ever passes recorded pages. Without
  // launch limits the next pages are read and started while earlier ones are still starting (a bulk start is mostly
  // waiting on PostgreSQL and Temporal); with limits one page at a time, so a wave enters in id order and stops where
  // the limit turned someone away. A page redone after a crash finds its runs (see `startPage`).
  const pagesAtOnce = source.restrictsEntries ? 1 : Math.max(1, deps.pageConcurrency ?? 3);
  type Settled = { page: StartedPage } | { error: unknown };
  const starting: Promise<Settled>[] = [];
  const recordNext = async () => {
    const settled = await starting.shift()!;
    if ('error' in settled) throw settled.error;
    await recordPage(settled.page);
  };
  let readCursor = cursor;
  try {
    for (;;) {
      // One `now` per page: eligibility and the recorded entry time agree.
      const now = new Date();
      const where = segmentWhere(workspaceId, prepared, now.toISOString());
      const ids = await matchingCustomerIds(db, where, readCursor, pageSize);
      if (ids.length === 0) break;
      readCursor = ids[ids.length - 1] ?? readCursor;
      starting.push(
        startPage(ids, now).then(
          (page) => ({ page }),
          (error: unknown) => ({ error }),
        ),
      );
      while (starting.length >= pagesAtOnce) await recordNext();
      if (ids.length < pageSize || limited !== undefined) break;
    }
    while (starting.length > 0) await recordNext();
  } catch (error) {
    // Nothing keeps running behind the failure (the activity's retry redoes the pages after the cursor).
    await Promise.all(starting);
    throw error;
  }

  const [done] = await db
    .update(audienceSweeps)
    .set({
      status: 'completed',
      finishedAt: new Date(),
      ...(limited !== undefined ? { reason: `entry limit: ${limited}` } : {}),
    })
    .where(eq(audienceSweeps.id, sweep.id))
    .returning();
  return progressOf(done ?? sweep);
}

/** The activities object the worker registers (`createAudienceActivities(deps)`). */
export function createAudienceActivities(
  deps: SweepDependencies,
): AudienceSweepActivities & AudienceMaintenanceActivities & FactsRebuildActivities {
  return {
    runAudienceSweep: (input) => runAudienceSweep(deps, input),
    rebuildAudienceFacts: (input) => rebuildFactsActivity(deps.db, input),
    async maintainAudience({ workspaceId }) {
      const attachedEvents = await attachOrphanEvents(deps.db, workspaceId);
      const rfm = await recomputeRfm(deps.db, workspaceId);
      return { attachedEvents, rfmScored: rfm.scored, rfmChanged: rfm.changed };
    },
  };
}
