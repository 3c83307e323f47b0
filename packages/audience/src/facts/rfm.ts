/**
 * RFM quintile scores and value tiers (DOMAIN S-ID-4), recomputed on a schedule because a quintile depends on
 * the whole customer base, not on one customer's events. Per workspace:
 *   R = ntile(5) by last purchase time (5 = most recent), F = ntile(5) by purchase count, M = ntile(5) by spend,
 * over customers with at least one purchase. Tied values share a score (the lowest ntile any of them got):
 * plain ntile would split equal customers across quintiles at random, e.g. the many one-time buyers.
 * Tier: R+F+M ≥ highMin → high, ≥ midMin → mid, otherwise low; customers without a purchase are low.
 *
 * Two phases, because at a million customers nearly all the time goes into rewriting wide rows and their five
 * index entries, not into the three sorts:
 *   1. stage: one statement ranks the whole base (one snapshot, so the quintiles are consistent) and stores only
 *      the rows whose scores or tier change, with their physical position, in a narrow unlogged table;
 *   2. write: the staged rows, cut into chunks of consecutive heap pages, are written by `concurrency` connections
 *      at once, each chunk in its own transaction. The scores are fixed before any chunk runs, so how the rows are
 *      chunked cannot change a score; a reader may see some chunks written and others not until the run ends.
 * A row updated by someone else between the phases has moved (new ctid) and is skipped until the next run, as
 * the single-statement version skipped rows updated while it ran.
 */
import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '@wakeflow/db';
import { loadAudienceSettings, type AudienceSettings } from '../settings';
import { eachLimited } from '../each-limited';

export interface RfmResult {
  /** Customers with a purchase that received scores. */
  scored: number;
  /** Rows whose scores or tier changed (only those are written). */
  changed: number;
  tookMs: number;
  /** Ranking the base and staging the changed rows. */
  stageMs?: number;
  /** Writing the staged rows to customers, all chunks. */
  writeMs?: number;
  /** Write transactions run. */
  chunks?: number;
}

export interface RfmOptions {
  settings?: AudienceSettings;
  now?: Date;
  /** Staged rows per write transaction (default 100,000): large enough that per-chunk overhead is noise. */
  chunkRows?: number;
  /** Connections writing chunks at once (default 2, one per core of the reference machine). */
  concurrency?: number;
}

const DEFAULT_CHUNK_ROWS = 100_000;
const DEFAULT_CONCURRENCY = 2;

export async function recomputeRfm(
  db: Database,
  workspaceId: string,
  options: RfmOptions = {},
): Promise<RfmResult> {
  const settings = options.settings ?? (await loadAudienceSettings(db, workspaceId));
  const { highMin, midMin } = settings.valueTier;
  const now = (options.now ?? new Date()).toISOString();
  const chunkRows = Math.max(1, Math.floor(options.chunkRows ?? DEFAULT_CHUNK_ROWS));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const started = performance.now();
  // ntile(5) of the first row of a tie group, from its rank: with n rows, the first n % 5 quintiles hold one row
  // more. Same scores as `min(ntile(5) over (order by v, id)) over (partition by v)`, with one sort per score.
  const bucket = (rank: string) =>
    sql.raw(`(case when ${rank} <= (n % 5) * (n / 5 + 1) then (${rank} - 1) / (n / 5 + 1) + 1
      else (n % 5) + (${rank} - 1 - (n % 5) * (n / 5 + 1)) / greatest(n / 5, 1) + 1 end)::smallint`);

  // A regular (unlogged: never replicated nor crash-safe, and it need not be) table rather than a temporary one,
  // so that the writing connections can read it. One per run, so runs for different workspaces do not meet. In
  // schema wakeflow_stage, the only one where the app role may create tables (migration 0014).
  const stageName = `wakeflow_rfm_stage_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const stage = sql`${sql.identifier('wakeflow_stage')}.${sql.identifier(stageName)}`;
  try {
    const { scored, staged } = await db.transaction(async (tx) => {
      // The three sorts of a large base spill to disk at the default 4 MB.
      await tx.execute(sql.raw(`set local work_mem = '128MB'`));
      await tx.execute(sql`create unlogged table ${stage} (seq bigint not null, row_ctid tid not null, id uuid not null,
        r smallint, f smallint, m smallint, tier text not null)`);
      const res = await tx.execute<{ scored: number; staged: number }>(sql`
      with ranked as (
        select ctid as row_ctid, id, rfm_recency, rfm_frequency, rfm_monetary, value_tier,
          rank() over (order by last_purchase_at) as rr,
          rank() over (order by purchase_count) as fr,
          rank() over (order by total_spend) as mr,
          count(*) over () as n
        from customers
        where workspace_id = ${workspaceId} and purchase_count > 0
      ),
      scored as (
        select row_ctid, id, rfm_recency, rfm_frequency, rfm_monetary, value_tier,
          ${bucket('rr')} as r, ${bucket('fr')} as f, ${bucket('mr')} as m
        from ranked
      ),
      tiered as (
        select *, case when r + f + m >= ${highMin} then 'high' when r + f + m >= ${midMin} then 'mid' else 'low' end as tier
        from scored
      ),
      changes as (
        select row_ctid, id, r, f, m, tier from tiered
        where (rfm_recency, rfm_frequency, rfm_monetary, value_tier) is distinct from (r, f, m, tier)
        union all
        select ctid, id, null, null, null, 'low' from customers
        where workspace_id = ${workspaceId} and purchase_count = 0
          and (value_tier is distinct from 'low' or rfm_recency is not null)
      ),
      staged as (
        -- Numbered in physical order: a chunk is a run of consecutive heap pages, read page by page.
        insert into ${stage} (seq, row_ctid, id, r, f, m, tier)
        select row_number() over (order by row_ctid), row_ctid, id, r, f, m, tier from changes
        returning 1
      )
      select (select count(*)::int from tiered) as scored, (select count(*)::int from staged) as staged`);
      const row = res.rows[0];
      return { scored: row?.scored ?? 0, staged: row?.staged ?? 0 };
    });
    const stageMs = performance.now() - started;

    const chunkCount = Math.ceil(staged / chunkRows);
    let changed = 0;
    if (chunkCount > 0) {
      await db.execute(sql`create index on ${stage} (seq)`);
      await db.execute(sql`analyze ${stage}`);
      // Each chunk's first and last heap position: the update scans only those pages of customers (TID range
      // scan) instead of the whole table once per chunk.
      const bounds = await db.execute<{ chunk: number; lo: string; hi: string }>(sql`
        select ((seq - 1) / ${chunkRows})::int as chunk, min(row_ctid)::text as lo, max(row_ctid)::text as hi
        from ${stage} group by 1 order by 1`);
      const writeChunk = async (chunk: { chunk: number; lo: string; hi: string }) =>
        db.transaction(async (tx) => {
          // The chunk's staged rows are hashed; at 100k rows that is ~10 MB.
          await tx.execute(sql.raw(`set local work_mem = '64MB'`));
          const res = await tx.execute(
            writeSql(
              stage,
              workspaceId,
              now,
              chunk.chunk * chunkRows,
              (chunk.chunk + 1) * chunkRows,
              chunk.lo,
              chunk.hi,
            ),
          );
          return res.rowCount ?? 0;
        });
      // Rewriting a row and its five index entries is mostly CPU work for the backend, so two backends use two
      // cores. 1M synthetic customers, all changed: one connection 26 s in all, two 15–17 s, three no better;
      // the single statement this replaced took 23–25 s there.
      // Every chunk in flight settles before the stage table is dropped; the first error is the one reported.
      await eachLimited(bounds.rows, concurrency, async (chunk) => {
        const written = await writeChunk(chunk); // not `changed += await …`: that reads changed before waiting
        changed += written;
      });
    }
    const tookMs = performance.now() - started;
    return {
      scored,
      changed,
      tookMs: Math.round(tookMs),
      stageMs: Math.round(stageMs),
      writeMs: Math.round(tookMs - stageMs),
      chunks: chunkCount,
    };
  } finally {
    await db.execute(sql`drop table if exists ${stage}`);
  }
}

/** The write of one chunk: staged rows with `lo < seq ≤ hi`, whose heap positions lie in [loTid, hiTid]. */
function writeSql(
  stage: SQL,
  workspaceId: string,
  now: string,
  lo: number,
  hi: number,
  loTid: string,
  hiTid: string,
): SQL {
  // Matched by position and checked by id: a position freed and reused since staging holds another customer.
  // Compared again, so a row already holding these values (a concurrent run) is not rewritten.
  return sql`
    update customers c set rfm_recency = s.r, rfm_frequency = s.f, rfm_monetary = s.m, value_tier = s.tier,
      rfm_computed_at = ${now}::timestamptz
    from ${stage} s
    where s.seq > ${lo} and s.seq <= ${hi}
      and c.ctid >= ${loTid}::tid and c.ctid <= ${hiTid}::tid
      and c.ctid = s.row_ctid and c.id = s.id and c.workspace_id = ${workspaceId}
      and (c.rfm_recency, c.rfm_frequency, c.rfm_monetary, c.value_tier) is distinct from (s.r, s.f, s.m, s.tier)`;
}
