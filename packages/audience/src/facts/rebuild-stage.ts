/**
 * The facts rebuild's stage: every customer's facts and rollup days under the new definitions, computed by ONE
 * scan of the workspace's events in physical order (a sequential scan and two aggregations, instead of an index
 * lookup per customer per chunk: at 1M customers / 20M events those lookups took over half an hour). The rebuild
 * then applies the stage in short chunks (rebuild.ts).
 *
 * Ingest goes on while the stage is taken and applied, so each staged customer carries the version of its row
 * (`xmin`, the transaction that last wrote it) in the same snapshot as the events that were read: ingest moves a
 * customer's facts in the statement that stores the event, so a customer whose row has a different version when its
 * chunk is locked got events (or anything else) after the stage was taken, and the chunk recomputes it from its
 * events instead (a new version always has a different `xmin`: it was written by a transaction that had not
 * committed when the stage's snapshot was taken). Customers created after the stage have no staged row and are
 * recomputed likewise.
 *
 * Two unlogged tables in schema wakeflow_stage (where the app role may create tables, migration 0014): never
 * replicated nor crash-safe, and they need not be — a retried rebuild takes a new stage. One pair per rebuild.
 */
import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '@wakeflow/db';
import type { AudienceSettings } from '../settings';
import { eventKindColumns } from './event-kinds';

export interface FactsStage {
  /** The definitions the stage was computed under. */
  settings: AudienceSettings;
  /**
   * `(customer_id, row_version, chunk, last_activity, last_login, last_purchase, purchases, spend)`, one row per
   * customer; `chunk` numbers runs of `chunkSize` customers in the physical order of `customers`.
   */
  facts: SQL;
  /**
   * `(chunk, customer_id, day, activity_count, login_count, purchase_count, spend, …)`, one row per counted day,
   * stored in chunk order.
   */
  daily: SQL;
  customers: number;
  days: number;
  /** Chunks numbered 0 … chunks − 1. */
  chunks: number;
  tookMs: number;
  drop(): Promise<void>;
}

const table = (name: string) => sql`${sql.identifier('wakeflow_stage')}.${sql.identifier(name)}`;

/** Takes the stage: one snapshot (repeatable read) for the events scan and the customers' row versions. */
export async function takeFactsStage(
  db: Database,
  workspaceId: string,
  settings: AudienceSettings,
  chunkSize: number,
): Promise<FactsStage> {
  const started = performance.now();
  const base = `wakeflow_facts_stage_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const facts = table(`${base}_facts`);
  const daily = table(`${base}_daily`);
  // Each customer's chunk, for the time the stage is taken.
  const order = table(`${base}_order`);
  const drop = async () => {
    await db.execute(sql`drop table if exists ${facts}, ${daily}, ${order}`);
  };
  try {
    const counts = await db.transaction(
      async (tx) => {
        // The aggregations of a large workspace spill to disk at the default 4 MB.
        await tx.execute(sql.raw(`set local work_mem = '256MB'`));
        // Chunks are runs of customers in physical order, so a chunk locks and rewrites consecutive heap pages of
        // customers (and, where the rollup was written customer by customer, of the rollup) instead of pages all
        // over both tables: with a buffer cache smaller than the tables, id order dirtied every page of customers
        // once per customer on it.
        await tx.execute(sql`create unlogged table ${order} as
          select c.id as customer_id, c.xmin::text::bigint as row_version,
            ((row_number() over (order by c.ctid) - 1) / ${chunkSize})::int as chunk
          from customers c where c.workspace_id = ${workspaceId}`);
        await tx.execute(sql`analyze ${order}`);
        // One pass over the events, in physical order. Ingest only creates a rollup row for a day with at least one
        // counted event, and only such events move a fact: the same filter here. Stored in chunk order, so that a
        // chunk reads consecutive pages of the stage too. CREATE TABLE AS rather than INSERT … SELECT: PostgreSQL
        // plans the SELECT of a CREATE TABLE AS in parallel (scan, join, partial aggregation and sort on every core)
        // and never an INSERT's.
        const days = await tx.execute(sql`
          create unlogged table ${daily} as
          select chunk, customer_id, (occurred_at at time zone 'UTC')::date as day,
            count(*) filter (where is_activity)::int as activity_count,
            count(*) filter (where is_login)::int as login_count,
            count(*) filter (where is_purchase)::int as purchase_count,
            coalesce(sum(amount) filter (where is_purchase), 0)::numeric(14, 2) as spend,
            -- For the customer's facts: the day's latest event of each kind, and its purchases' exact sum.
            max(occurred_at) filter (where is_activity) as last_activity,
            max(occurred_at) filter (where is_login) as last_login,
            max(occurred_at) filter (where is_purchase) as last_purchase,
            coalesce(sum(amount) filter (where is_purchase), 0) as spend_exact
          from (
            -- The same classification as ingest (event-kinds.ts), so rebuild and ingest cannot disagree.
            select e.customer_id, o.chunk, e.occurred_at,
              ${eventKindColumns(settings, { name: sql`e.name`, properties: sql`e.properties` })}
            from events e
            join ${order} o on o.customer_id = e.customer_id
            where e.workspace_id = ${workspaceId}
          ) f
          where is_activity or is_login or is_purchase
          group by chunk, customer_id, day
          order by chunk, customer_id, day`);
        // Every customer, also those without counted events (their facts go back to empty). The spend is the exact
        // sum rounded once, as the column rounds a customer's total (not the sum of rounded days).
        const customers = await tx.execute(sql`
          create unlogged table ${facts} as
          select o.customer_id, o.row_version, o.chunk,
            d.last_activity, d.last_login, d.last_purchase,
            coalesce(d.purchases, 0)::int as purchases, coalesce(d.spend, 0)::numeric(14, 2) as spend
          from ${order} o
          left join (
            select customer_id, max(last_activity) as last_activity, max(last_login) as last_login,
              max(last_purchase) as last_purchase, sum(purchase_count)::int as purchases, sum(spend_exact) as spend
            from ${daily} group by customer_id
          ) d on d.customer_id = o.customer_id`);
        return { days: days.rowCount ?? 0, customers: customers.rowCount ?? 0 };
      },
      { isolationLevel: 'repeatable read' },
    );
    await db.execute(sql`drop table ${order}`);
    await db.execute(sql`alter table ${facts} add primary key (customer_id)`);
    await db.execute(sql`create index on ${facts} (chunk)`);
    // A chunk's days are consecutive pages: a block range index finds them, built in one pass (no sort).
    await db.execute(sql`create index on ${daily} using brin (chunk)`);
    await db.execute(sql`analyze ${facts}`);
    await db.execute(sql`analyze ${daily}`);
    return {
      settings,
      facts,
      daily,
      ...counts,
      chunks: Math.ceil(counts.customers / chunkSize),
      tookMs: Math.round(performance.now() - started),
      drop,
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

/**
 * A chunk's customers, locked (`for update`) in this transaction, with whether each row is still the version staged
 * (see above): `(id, staged)`.
 */
export function lockStagedChunkSql(stage: FactsStage, workspaceId: string, chunk: number): SQL {
  return sql`
    select c.id, s.row_version = c.xmin::text::bigint as staged
    from ${stage.facts} s
    join customers c on c.id = s.customer_id
    where s.chunk = ${chunk} and c.workspace_id = ${workspaceId}
    order by c.id
    for update of c`;
}

/**
 * The `wanted` and `wanted_daily` CTEs of staged customers of one chunk (see rebuild.ts), read from the stage. Only
 * for customers whose row is still the version staged (the `chunk(id)` CTE lists them).
 */
export function chunkFromStageSql(stage: FactsStage, chunk: number): SQL {
  return sql`
    wanted as (
      select s.customer_id, s.last_activity, s.last_login, s.last_purchase, s.purchases, s.spend
      from ${stage.facts} s
      where s.chunk = ${chunk} and s.customer_id in (select id from chunk)
    ),
    wanted_daily as (
      select d.customer_id, d.day, d.activity_count, d.login_count, d.purchase_count, d.spend
      from ${stage.daily} d
      where d.chunk = ${chunk} and d.customer_id in (select id from chunk)
    )`;
}
