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
 */
import { sql } from 'drizzle-orm';
import { Context } from '@temporalio/activity';
import type { Database } from '@wakeflow/db';
import { loadAudienceSettings, type AudienceSettings } from '../settings';
import { eventKindColumns, notAfterNow } from './event-kinds';
import { withDeadlockRetry } from '../sql/retry';
import type { FactsRebuildInput, FactsRebuildProgress } from './rebuild-types';

export interface RebuildFactsOptions {
  /** Definitions to rebuild under; by default the workspace's stored ones, read again in every chunk (see below). */
  settings?: AudienceSettings;
  /** Customers per transaction (default 1,000). */
  chunkSize?: number;
  /** Resume after this customer id (a retried activity passes its last heartbeat). */
  after?: string | null;
  /** Progress so far, when resuming; counters continue from it. */
  progress?: FactsRebuildProgress;
  /** Called after every committed chunk (the activity heartbeats here). */
  onChunk?: (progress: FactsRebuildProgress) => void | Promise<void>;
  /** Stops between chunks (a superseded or cancelled activity). */
  signal?: AbortSignal;
}

interface ChunkCounts extends Record<string, unknown> {
  customers: string | number;
  written: string | number;
  deleted: string | number;
}

/** The rebuild of one chunk of locked customers, as one statement. */
function rebuildChunkSql(workspaceId: string, customerIds: readonly string[], settings: AudienceSettings) {
  return sql`
    with chunk as (
      select unnest(${sql.param(customerIds)}::uuid[]) as id
    ),
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
        -- Capped at now like ingest's (notAfterNow), so an event stored from the future puts no fact there.
        ${notAfterNow(sql`max(f.occurred_at) filter (where f.is_activity)`)} as last_activity,
        ${notAfterNow(sql`max(f.occurred_at) filter (where f.is_login)`)} as last_login,
        ${notAfterNow(sql`max(f.occurred_at) filter (where f.is_purchase)`)} as last_purchase,
        count(f.customer_id) filter (where f.is_purchase)::int as purchases,
        -- Rounded like the column, so an unchanged total is not rewritten.
        coalesce(sum(f.amount) filter (where f.is_purchase), 0)::numeric(14, 2) as spend
      from chunk ch left join fact_events f on f.customer_id = ch.id
      group by ch.id
    ),
    updated as (
      update customers c set
        last_activity_at = w.last_activity,
        last_login_at = w.last_login,
        last_purchase_at = w.last_purchase,
        purchase_count = w.purchases,
        total_spend = w.spend,
        updated_at = now()
      from wanted w
      where c.id = w.customer_id and c.workspace_id = ${workspaceId}
        and (c.last_activity_at, c.last_login_at, c.last_purchase_at, c.purchase_count, c.total_spend)
          is distinct from (w.last_activity, w.last_login, w.last_purchase, w.purchases, w.spend)
      returning c.id
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
      select ${workspaceId}, customer_id, day, activity_count, login_count, purchase_count, spend
      from wanted_daily
      -- The same lock order as ingest's upsert.
      order by customer_id, day
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
  const chunkSize = options.chunkSize ?? 1000;
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

  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('facts rebuild aborted');
    const after = progress.cursor;
    const chunk = await withDeadlockRetry(() =>
      db.transaction(async (tx) => {
        const locked = await tx.execute<{ id: string }>(sql`
          select id from customers
          where workspace_id = ${workspaceId} ${after === null ? sql`` : sql`and id > ${after}::uuid`}
          order by id limit ${chunkSize}
          for update`);
        const ids = locked.rows.map((r) => r.id);
        if (ids.length === 0) return null;
        // Read after the locks: a rebuild superseded by a newer settings change cannot overwrite the newer rebuild's
        // chunk with the old definitions (it waits for that chunk and then sees the new settings).
        const settings = options.settings ?? (await loadAudienceSettings(tx, workspaceId));
        const counts = await tx.execute<ChunkCounts>(rebuildChunkSql(workspaceId, ids, settings));
        const row = counts.rows[0];
        return {
          last: ids[ids.length - 1] as string,
          scanned: ids.length,
          customers: Number(row?.customers ?? 0),
          written: Number(row?.written ?? 0),
          deleted: Number(row?.deleted ?? 0),
        };
      }),
    );
    if (chunk === null) return progress;
    progress.cursor = chunk.last;
    progress.customersScanned += chunk.scanned;
    progress.customersUpdated += chunk.customers;
    progress.rollupRowsWritten += chunk.written;
    progress.rollupRowsDeleted += chunk.deleted;
    await options.onChunk?.({ ...progress });
    if (chunk.scanned < chunkSize) return progress;
  }
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
  return rebuildFacts(db, input.workspaceId, {
    ...(input.chunkSize ? { chunkSize: input.chunkSize } : {}),
    ...(isProgress(previous) ? { progress: previous, after: previous.cursor } : {}),
    ...(context ? { signal: context.cancellationSignal } : {}),
    onChunk: (progress) => context?.heartbeat(progress),
  });
}
