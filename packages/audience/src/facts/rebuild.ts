/**
 * Rebuilding derived facts from the event log, for when a workspace changes which events count as activity, login
 * or purchase, or where the amount is: recomputes every customer's last activity / login / purchase, purchase count,
 * total spend and `customer_daily_activity` rows from `events` under the current settings — exactly what
 * incremental ingest (apply-facts.ts) produces when those settings were in force from the start. Set-based SQL,
 * event names and the amount path as bound parameters; only rows that change are written. Events of unknown
 * customers (customer_id null) are left alone: they get their facts when attached.
 *
 * Customers are done in id order, a chunk per transaction (not one transaction per workspace): a chunk locks its
 * customers, and ingest updating those customers waits for it, so one transaction over millions of events would
 * stall ingest for the whole rebuild and hold millions of row locks. Per chunk, ingest waits for a moment only.
 *
 * The events are read once, up front, into a stage (rebuild-stage.ts: a sequential scan and two aggregations), and
 * chunks copy from it; reading each chunk's events through the index instead made a rebuild at 1M customers / 20M
 * events take over half an hour. A customer changed since the stage was taken (ingest ran meanwhile) is recomputed
 * from its events in its chunk, under the lock, exactly as before staging.
 */
import { sql, type SQL } from 'drizzle-orm';
import { Context } from '@temporalio/activity';
import type { Database } from '@wakeflow/db';
import { loadAudienceSettings, type AudienceSettings } from '../settings';
import { eventKindColumns, notAfterNow } from './event-kinds';
import { chunkFromStageSql, takeFactsStage } from './rebuild-stage';
import { eventDefinitionsChanged } from './rebuild-workflow';
import { withDeadlockRetry } from '../sql/retry';
import type { FactsRebuildInput, FactsRebuildProgress } from './rebuild-types';

export interface RebuildFactsOptions {
  /** Definitions to rebuild under; by default the workspace's stored ones, read again in every chunk (see below). */
  settings?: AudienceSettings;
  /** Customers per transaction (default 5,000). */
  chunkSize?: number;
  /**
   * Take a stage first (default): one scan of the events, then chunks read the stage. `false`: every chunk reads
   * its customers' events through the index instead (no scan; quicker only for a handful of customers).
   */
  staging?: boolean;
  /** Resume after this customer id (a retried activity passes its last heartbeat). */
  after?: string | null;
  /** Progress so far, when resuming; counters continue from it. */
  progress?: FactsRebuildProgress;
  /** Called after every committed chunk (the activity heartbeats here). */
  onChunk?: (progress: FactsRebuildProgress) => void | Promise<void>;
  /** Stops between chunks (a superseded or cancelled activity). */
  signal?: AbortSignal;
}

/** Large enough that per-transaction overhead is noise, small enough that ingest waits a moment at most. */
const DEFAULT_CHUNK_SIZE = 5_000;
/** Heartbeats while the stage is taken; well inside the default 60 s heartbeat timeout. */
const STAGE_HEARTBEAT_MS = 10_000;

interface ChunkCounts extends Record<string, unknown> {
  customers: string | number;
  written: string | number;
  deleted: string | number;
}

/**
 * What a chunk's customers' facts should be, as two CTEs `wanted(customer_id, last_activity, last_login,
 * last_purchase, purchases, spend)` (one row per customer of the chunk, fact times not yet capped) and
 * `wanted_daily(customer_id, day, activity_count, login_count, purchase_count, spend)`, read from their events
 * through the (customer, name, time) index. Used for every customer when there is no stage, and for the customers
 * changed since the stage was taken.
 */
function chunkFromEventsSql(workspaceId: string, customerIds: readonly string[], settings: AudienceSettings) {
  return sql`
    fact_events as (
      select e.customer_id, e.occurred_at,
        -- The same classification as ingest (event-kinds.ts), so rebuild and ingest cannot disagree.
        ${eventKindColumns(settings, { name: sql`e.name`, properties: sql`e.properties` })}
      from events e
      where e.workspace_id = ${workspaceId} and e.customer_id = any(${sql.param(customerIds)}::uuid[])
    ),
    -- Every customer of the chunk, also those without events (their facts go back to empty).
    wanted as (
      select ch.id as customer_id,
        max(f.occurred_at) filter (where f.is_activity) as last_activity,
        max(f.occurred_at) filter (where f.is_login) as last_login,
        max(f.occurred_at) filter (where f.is_purchase) as last_purchase,
        count(f.customer_id) filter (where f.is_purchase)::int as purchases,
        -- Rounded like the column, so an unchanged total is not rewritten.
        coalesce(sum(f.amount) filter (where f.is_purchase), 0)::numeric(14, 2) as spend
      from chunk ch left join fact_events f on f.customer_id = ch.id
      group by ch.id
    ),
    -- Ingest only creates a rollup row for a day with at least one counted event: the same filter here.
    wanted_daily as (
      select customer_id, (occurred_at at time zone 'UTC')::date as day,
        count(*) filter (where is_activity)::int as activity_count,
        count(*) filter (where is_login)::int as login_count,
        count(*) filter (where is_purchase)::int as purchase_count,
        coalesce(sum(amount) filter (where is_purchase), 0)::numeric(14, 2) as spend
      from fact_events
      where is_activity or is_login or is_purchase
      group by customer_id, day
    )`;
}

/**
 * Writes a chunk of locked customers' facts from `wanted` and `wanted_daily` (`sources` defines them, after the
 * `chunk(id)` CTE), as one statement: only rows that change are written, rollup days that no longer count are
 * deleted.
 */
function applyChunkSql(workspaceId: string, customerIds: readonly string[], sources: SQL) {
  return sql`
    with chunk as (
      select unnest(${sql.param(customerIds)}::uuid[]) as id
    ),
    ${sources},
    updated as (
      update customers c set
        last_activity_at = w.last_activity,
        last_login_at = w.last_login,
        last_purchase_at = w.last_purchase,
        purchase_count = w.purchases,
        total_spend = w.spend,
        updated_at = now()
      from (
        -- Capped at now like ingest's (notAfterNow), so an event stored from the future puts no fact there.
        select customer_id, ${notAfterNow(sql`last_activity`)} as last_activity,
          ${notAfterNow(sql`last_login`)} as last_login, ${notAfterNow(sql`last_purchase`)} as last_purchase,
          purchases, spend
        from wanted
      ) w
      where c.id = w.customer_id and c.workspace_id = ${workspaceId}
        and (c.last_activity_at, c.last_login_at, c.last_purchase_at, c.purchase_count, c.total_spend)
          is distinct from (w.last_activity, w.last_login, w.last_purchase, w.purchases, w.spend)
      returning c.id
    ),
    deleted as (
      delete from customer_daily_activity d
      using chunk ch
      where d.customer_id = ch.id and d.workspace_id = ${workspaceId}
        and not exists (select 1 from wanted_daily w where w.customer_id = d.customer_id and w.day = d.day)
      returning 1
    ),
    written as (
      insert into customer_daily_activity (workspace_id, customer_id, day, activity_count, login_count, purchase_count, spend)
      select ${workspaceId}, w.customer_id, w.day, w.activity_count, w.login_count, w.purchase_count, w.spend
      from wanted_daily w
      left join customer_daily_activity d on d.customer_id = w.customer_id and d.day = w.day
      -- Only new and changed days: ON CONFLICT locks (writes to) every row it meets, even one it leaves as it is,
      -- and most days of a rebuild do not change.
      where d.customer_id is null
        or (d.activity_count, d.login_count, d.purchase_count, d.spend)
          is distinct from (w.activity_count, w.login_count, w.purchase_count, w.spend)
      -- The same lock order as ingest's upsert.
      order by w.customer_id, w.day
      on conflict (customer_id, day) do update set
        activity_count = excluded.activity_count,
        login_count = excluded.login_count,
        purchase_count = excluded.purchase_count,
        spend = excluded.spend
      where (customer_daily_activity.activity_count, customer_daily_activity.login_count,
             customer_daily_activity.purchase_count, customer_daily_activity.spend)
        is distinct from (excluded.activity_count, excluded.login_count, excluded.purchase_count, excluded.spend)
      returning 1
    )
    select (select count(*) from updated) as customers,
      (select count(*) from written) as written,
      (select count(*) from deleted) as deleted`;
}

/**
 * Recomputes the facts of every customer of the workspace from its events. Safe to run concurrently with ingest:
 * each chunk first locks its customers (`for update`), so an ingest batch either committed before (its events are
 * read) or waits and then adds its events on top of the rebuilt values. Idempotent, so a retry or a second rebuild
 * running over the same customers is harmless.
 */
export async function rebuildFacts(
  db: Database,
  workspaceId: string,
  options: RebuildFactsOptions = {},
): Promise<FactsRebuildProgress> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const progress: FactsRebuildProgress = options.progress
    ? { ...options.progress }
    : {
        cursor: options.after ?? null,
        customersScanned: 0,
        customersUpdated: 0,
        rollupRowsWritten: 0,
        rollupRowsDeleted: 0,
      };
  if (options.after !== undefined) progress.cursor = options.after;

  const stage =
    options.staging === false
      ? null
      : await takeFactsStage(
          db,
          workspaceId,
          options.settings ?? (await loadAudienceSettings(db, workspaceId)),
        );
  const applyStarted = performance.now();
  try {
    for (;;) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('facts rebuild aborted');
      const after = progress.cursor;
      const chunk = await withDeadlockRetry(() =>
        db.transaction(async (tx) => {
          // Locked first; `staged`: the row is still the version the stage read (see rebuild-stage.ts).
          const locked = await tx.execute<{ id: string; staged: boolean }>(sql`
            select c.id, ${stage ? sql`coalesce(s.row_version = c.xmin::text::bigint, false)` : sql`false`} as staged
            from customers c
            ${stage ? sql`left join ${stage.facts} s on s.customer_id = c.id` : sql``}
            where c.workspace_id = ${workspaceId} ${after === null ? sql`` : sql`and c.id > ${after}::uuid`}
            order by c.id limit ${chunkSize}
            for update of c`);
          const ids = locked.rows.map((r) => r.id);
          if (ids.length === 0) return null;
          // Read after the locks: a rebuild superseded by a newer settings change cannot overwrite the newer
          // rebuild's chunk with the old definitions (it waits for that chunk and then sees the new settings; a
          // stage taken under other definitions is then not used).
          const settings = options.settings ?? (await loadAudienceSettings(tx, workspaceId));
          const useStage = stage !== null && !eventDefinitionsChanged(stage.settings, settings);
          const staged = useStage ? locked.rows.filter((r) => r.staged).map((r) => r.id) : [];
          const fresh = useStage ? locked.rows.filter((r) => !r.staged).map((r) => r.id) : ids;
          // A chunk's days are sorted and compared in memory rather than on disk at the default 4 MB.
          await tx.execute(sql.raw(`set local work_mem = '64MB'`));
          const total = { customers: 0, written: 0, deleted: 0 };
          for (const [part, sources] of [
            [staged, stage && chunkFromStageSql(stage, staged)],
            [fresh, chunkFromEventsSql(workspaceId, fresh, settings)],
          ] as const) {
            if (part.length === 0 || !sources) continue;
            const counts = await tx.execute<ChunkCounts>(applyChunkSql(workspaceId, part, sources));
            const row = counts.rows[0];
            total.customers += Number(row?.customers ?? 0);
            total.written += Number(row?.written ?? 0);
            total.deleted += Number(row?.deleted ?? 0);
          }
          return {
            last: ids[ids.length - 1] as string,
            scanned: ids.length,
            recomputed: fresh.length,
            ...total,
          };
        }),
      );
      if (chunk === null) break;
      progress.cursor = chunk.last;
      progress.customersScanned += chunk.scanned;
      progress.customersUpdated += chunk.customers;
      progress.rollupRowsWritten += chunk.written;
      progress.rollupRowsDeleted += chunk.deleted;
      if (stage) progress.customersRecomputed = (progress.customersRecomputed ?? 0) + chunk.recomputed;
      await options.onChunk?.({ ...progress });
      if (chunk.scanned < chunkSize) break;
    }
  } finally {
    await stage?.drop();
  }
  if (stage) {
    progress.stageMs = (progress.stageMs ?? 0) + stage.tookMs;
    progress.applyMs = (progress.applyMs ?? 0) + Math.round(performance.now() - applyStarted);
  }
  return progress;
}

function isProgress(value: unknown): value is FactsRebuildProgress {
  return typeof value === 'object' && value !== null && 'customersUpdated' in value && 'cursor' in value;
}

/** The activity: heartbeats after every chunk and resumes from the last heartbeat on a retry. */
export async function rebuildFactsActivity(
  db: Database,
  input: FactsRebuildInput,
): Promise<FactsRebuildProgress> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    // Not inside an activity (called directly): no heartbeats, no resume.
  }
  const previous: unknown = context?.info.heartbeatDetails;
  const resumed = isProgress(previous) ? previous : undefined;
  // Taking the stage is one long statement: heartbeat the progress so far meanwhile, so the activity is not
  // timed out before its first chunk.
  let last: FactsRebuildProgress | undefined = resumed;
  const beat = context ? setInterval(() => context?.heartbeat(last), STAGE_HEARTBEAT_MS) : undefined;
  try {
    return await rebuildFacts(db, input.workspaceId, {
      ...(input.chunkSize ? { chunkSize: input.chunkSize } : {}),
      ...(resumed ? { progress: resumed, after: resumed.cursor } : {}),
      ...(context ? { signal: context.cancellationSignal } : {}),
      onChunk: (progress) => {
        last = progress;
        context?.heartbeat(progress);
      },
    });
  } finally {
    clearInterval(beat);
  }
}
