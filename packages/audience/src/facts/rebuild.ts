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
import { chunkFromStageSql, lockStagedChunkSql, takeFactsStage, type FactsStage } from './rebuild-stage';
import { eachLimited } from '../each-limited';
import { eventDefinitionsChanged } from './rebuild-workflow';
import { withDeadlockRetry } from '../sql/retry';
import type { FactsRebuildInput, FactsRebuildProgress } from './rebuild-types';

export interface RebuildFactsOptions {
  /** Definitions to rebuild under; by default the workspace's stored ones, read again in every chunk (see below). */
  settings?: AudienceSettings;
  /** Customers per transaction (default 5,000). */
  chunkSize?: number;
  /** Connections applying a stage's chunks at once (default 2, one per core of the reference machine). */
  concurrency?: number;
  /**
   * Take a stage first (default): one scan of the events, then chunks read the stage. `false`: every chunk reads
   * its customers' events through the index instead (no scan; quicker only for a handful of customers).
   */
  staging?: boolean;
  /** Called after every committed chunk, in the order they commit (the activity heartbeats here). */
  onChunk?: (progress: FactsRebuildProgress, chunk: FactsRebuildChunk) => void | Promise<void>;
  /** Stops between chunks (a superseded or cancelled activity). */
  signal?: AbortSignal;
}

/** One committed chunk: its number in the stage (null for chunks by id: no stage, or customers newer than it). */
export interface FactsRebuildChunk {
  chunk: number | null;
  customers: number;
}

/** Large enough that per-transaction overhead is noise, small enough that ingest waits a moment at most. */
const DEFAULT_CHUNK_SIZE = 5_000;
/**
 * Locking and rewriting a chunk is mostly CPU work for its backend, so two backends use both cores of the reference
 * machine; the chunks of one stage hold disjoint customers, so they never wait for each other.
 */
const DEFAULT_CONCURRENCY = 2;
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
 * deleted. The chunk's rollup rows are read once, one index lookup per customer, and changed or deleted by their
 * position (the customers are locked, so nobody moves them meanwhile): no upsert, which locks (writes) every row it
 * meets, and no join against the whole rollup, which the planner picks when a chunk is a large part of it.
 */
function applyChunkSql(workspaceId: string, customerIds: readonly string[], sources: SQL) {
  return sql`
    with chunk as (
      select unnest(${sql.param(customerIds)}::uuid[]) as id
    ),
    ${sources},
    -- The chunk's rollup rows as they are, with their position (one index lookup per customer), against the
    -- wanted ones: every day to delete, change or add, once.
    diff as (
      select cur.row_ctid, w.customer_id, w.day, w.activity_count, w.login_count, w.purchase_count, w.spend
      from (
        select d.row_ctid, d.customer_id, d.day, d.activity_count, d.login_count, d.purchase_count, d.spend
        from chunk ch cross join lateral (
          select ctid as row_ctid, * from customer_daily_activity d
          where d.customer_id = ch.id and d.workspace_id = ${workspaceId}
        ) d
      ) cur
      full join wanted_daily w on w.customer_id = cur.customer_id and w.day = cur.day
      where cur.row_ctid is null or w.customer_id is null
        or (cur.activity_count, cur.login_count, cur.purchase_count, cur.spend)
          is distinct from (w.activity_count, w.login_count, w.purchase_count, w.spend)
    ),
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
      using diff x
      where x.customer_id is null and d.ctid = x.row_ctid
      returning 1
    ),
    changed as (
      update customer_daily_activity d set
        activity_count = x.activity_count,
        login_count = x.login_count,
        purchase_count = x.purchase_count,
        spend = x.spend
      from diff x
      where x.customer_id is not null and d.ctid = x.row_ctid
      returning 1
    ),
    added as (
      insert into customer_daily_activity (workspace_id, customer_id, day, activity_count, login_count, purchase_count, spend)
      select ${workspaceId}, x.customer_id, x.day, x.activity_count, x.login_count, x.purchase_count, x.spend
      from diff x
      where x.row_ctid is null
      -- The same lock order as ingest's upsert.
      order by x.customer_id, x.day
      returning 1
    )
    select (select count(*) from updated) as customers,
      (select count(*) from changed) + (select count(*) from added) as written,
      (select count(*) from deleted) as deleted`;
}

interface LockedCustomer extends Record<string, unknown> {
  id: string;
  staged: boolean;
}

/**
 * Rewrites the facts of a chunk of customers this transaction has locked: from the stage for those whose row is
 * still the version staged, from their events for the others (and for all of them without a usable stage).
 */
async function applyLockedChunk(
  tx: Database,
  workspaceId: string,
  locked: readonly LockedCustomer[],
  stage: FactsStage | null,
  fixedSettings: AudienceSettings | undefined,
  chunk: number | null,
) {
  // Read after the locks: a rebuild superseded by a newer settings change cannot overwrite the newer rebuild's
  // chunk with the old definitions (it waits for that chunk and then sees the new settings; a stage taken under
  // other definitions is then not used).
  const settings = fixedSettings ?? (await loadAudienceSettings(tx, workspaceId));
  const useStage = stage !== null && !eventDefinitionsChanged(stage.settings, settings);
  const staged = useStage ? locked.filter((r) => r.staged).map((r) => r.id) : [];
  const fresh = useStage ? locked.filter((r) => !r.staged).map((r) => r.id) : locked.map((r) => r.id);
  const total = { customers: 0, written: 0, deleted: 0, recomputed: stage ? fresh.length : 0 };
  for (const [part, sources] of [
    [staged, stage && chunk !== null && chunkFromStageSql(stage, chunk)],
    [fresh, chunkFromEventsSql(workspaceId, fresh, settings)],
  ] as const) {
    if (part.length === 0 || !sources) continue;
    const counts = await tx.execute<ChunkCounts>(applyChunkSql(workspaceId, part, sources));
    const row = counts.rows[0];
    total.customers += Number(row?.customers ?? 0);
    total.written += Number(row?.written ?? 0);
    total.deleted += Number(row?.deleted ?? 0);
  }
  return total;
}

/**
 * Recomputes the facts of every customer of the workspace from its events. Safe to run concurrently with ingest:
 * each chunk first locks its customers (`for update`), so an ingest batch either committed before (its events are
 * read) or waits and then adds its events on top of the rebuilt values. Idempotent, so a retry or a second rebuild
 * running over the same customers is harmless.
 *
 * With a stage, its chunks (runs of customers in physical order) are applied by `concurrency` connections, then
 * the customers created since the stage was taken are recomputed from their events, in id order. Without one,
 * every customer, in id order on one connection.
 */
export async function rebuildFacts(
  db: Database,
  workspaceId: string,
  options: RebuildFactsOptions = {},
): Promise<FactsRebuildProgress> {
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const progress: FactsRebuildProgress = {
    customersScanned: 0,
    customersUpdated: 0,
    rollupRowsWritten: 0,
    rollupRowsDeleted: 0,
  };
  const stage =
    options.staging === false
      ? null
      : await takeFactsStage(
          db,
          workspaceId,
          options.settings ?? (await loadAudienceSettings(db, workspaceId)),
          chunkSize,
        );

  /** One chunk in its own transaction; `lock` locks its customers and tells which are still as staged. */
  const runChunk = async (chunk: number | null, lock: (tx: Database) => Promise<LockedCustomer[]>) => {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('facts rebuild aborted');
    const done = await withDeadlockRetry(() =>
      db.transaction(async (tx) => {
        // A chunk's days are sorted and compared in memory rather than on disk at the default 4 MB.
        await tx.execute(sql.raw(`set local work_mem = '64MB'`));
        const locked = await lock(tx);
        if (locked.length === 0) return null;
        // The writes read a sliver of every table too (see the stage's lock below).
        await tx.execute(sql.raw(`set local enable_seqscan = off`));
        const counts = await applyLockedChunk(tx, workspaceId, locked, stage, options.settings, chunk);
        return { locked, ...counts };
      }),
    );
    if (done === null) return [];
    progress.customersScanned += done.locked.length;
    progress.customersUpdated += done.customers;
    progress.rollupRowsWritten += done.written;
    progress.rollupRowsDeleted += done.deleted;
    if (stage) progress.customersRecomputed = (progress.customersRecomputed ?? 0) + done.recomputed;
    await options.onChunk?.({ ...progress }, { chunk, customers: done.locked.length });
    return done.locked;
  };

  const applyStarted = performance.now();
  try {
    if (stage) {
      const chunks = Array.from({ length: stage.chunks }, (_, i) => i);
      await eachLimited(chunks, concurrency, async (chunk) => {
        await runChunk(chunk, async (tx) => {
          // A chunk reads a sliver of every table it meets, by index or by position; in a workspace of 100,000
          // customers the planner judged hashing the whole rollup (and stage, and customers) cheaper than the
          // lookups, in every chunk. Not for the lock of customers created after the stage, which scans them all.
          await tx.execute(sql.raw(`set local enable_seqscan = off`));
          const locked = await tx.execute<LockedCustomer>(lockStagedChunkSql(stage, workspaceId, chunk));
          return locked.rows;
        });
      });
    }
    // Without a stage every customer; with one, those created after it was taken (none, mostly).
    let after: string | null = null;
    for (;;) {
      const from = after;
      const locked = await runChunk(null, async (tx) => {
        const rows = await tx.execute<LockedCustomer>(sql`
          select c.id, false as staged
          from customers c
          where c.workspace_id = ${workspaceId} ${from === null ? sql`` : sql`and c.id > ${from}::uuid`}
            ${stage ? sql`and not exists (select 1 from ${stage.facts} s where s.customer_id = c.id)` : sql``}
          order by c.id limit ${chunkSize}
          for update of c`);
        return rows.rows;
      });
      after = locked[locked.length - 1]?.id ?? null;
      if (locked.length < chunkSize) break;
    }
  } finally {
    await stage?.drop();
  }
  if (stage) {
    progress.stageMs = stage.tookMs;
    progress.applyMs = Math.round(performance.now() - applyStarted);
  }
  return progress;
}

/**
 * The activity: heartbeats while the stage is taken and after every chunk. A retry starts over with a new stage:
 * the customers rebuilt before are locked and compared again, but as they already hold their new facts none of their
 * rows is rewritten (chunks are runs in physical order, which rewriting moves, so there is no position to resume
 * from).
 */
export async function rebuildFactsActivity(
  db: Database,
  input: FactsRebuildInput,
): Promise<FactsRebuildProgress> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    // Not inside an activity (called directly): no heartbeats.
  }
  // Taking the stage is one long statement: heartbeat meanwhile, so the activity is not timed out before its
  // first chunk.
  let last: FactsRebuildProgress | undefined;
  const beat = context ? setInterval(() => context?.heartbeat(last), STAGE_HEARTBEAT_MS) : undefined;
  try {
    return await rebuildFacts(db, input.workspaceId, {
      ...(input.chunkSize ? { chunkSize: input.chunkSize } : {}),
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
