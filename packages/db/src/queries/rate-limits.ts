/**
 * Counters that several processes share, so a limit holds across all of them rather than per process:
 * - `rate_limit_counters`: fixed windows (the API's sign-in and ingest limits). One atomic upsert counts a hit and
 *   starts a new window when the old one has passed; the database's clock decides, so processes whose clocks
 *   differ still agree on the window.
 * - `send_pacing`: GCRA (a token bucket without a timer) for each provider's messages per second. One atomic upsert
 *   takes a slot, or leaves the row alone when the wait would be longer than the caller accepts.
 */
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { rateLimitCounters } from '../schema/index';

export interface WindowCount {
  hits: number;
  resetAt: Date;
}

/** Counts one hit for `key` in its current window (a new window of `windowMs` when none is running). */
export async function countRateLimitHit(db: Database, key: string, windowMs: number): Promise<WindowCount> {
  const window = sql`make_interval(secs => ${windowMs / 1_000})`;
  const result = await db.execute<{ hits: number; reset_at: Date | string }>(sql`
    insert into rate_limit_counters as c (key, hits, reset_at) values (${key}, 1, now() + ${window})
    on conflict (key) do update set
      hits = case when c.reset_at <= now() then 1 else c.hits + 1 end,
      reset_at = case when c.reset_at <= now() then now() + ${window} else c.reset_at end
    returning hits, reset_at`);
  const row = result.rows[0]!;
  return { hits: Number(row.hits), resetAt: new Date(row.reset_at) };
}

/** Takes back one hit of the running window (a request that turned out not to count, e.g. a good sign-in). */
export async function uncountRateLimitHit(db: Database, key: string): Promise<void> {
  await db
    .update(rateLimitCounters)
    .set({ hits: sql`greatest(${rateLimitCounters.hits} - 1, 0)` })
    .where(and(eq(rateLimitCounters.key, key), gt(rateLimitCounters.resetAt, sql`now()`)));
}

/** The running window of `key`, if any. */
export async function rateLimitCount(db: Database, key: string): Promise<WindowCount | undefined> {
  const [row] = await db
    .select({ hits: rateLimitCounters.hits, resetAt: rateLimitCounters.resetAt })
    .from(rateLimitCounters)
    .where(and(eq(rateLimitCounters.key, key), gt(rateLimitCounters.resetAt, sql`now()`)));
  return row;
}

export async function resetRateLimitKey(db: Database, key: string): Promise<void> {
  await db.delete(rateLimitCounters).where(eq(rateLimitCounters.key, key));
}

/** Deletes windows that ended before `graceMs` ago; the upsert restarts them anyway, this only keeps the table small. */
export async function deleteExpiredRateLimits(db: Database, graceMs = 60_000): Promise<number> {
  const deleted = await db
    .delete(rateLimitCounters)
    .where(lt(rateLimitCounters.resetAt, sql`now() - make_interval(secs => ${graceMs / 1_000})`))
    .returning({ key: rateLimitCounters.key });
  return deleted.length;
}

export type PaceAnswer = { ok: true; waitMs: number } | { ok: false; retryAfterMs: number };

/** `takeSendSlots`' answer: the first `granted` of the slots asked for are taken. */
export interface PaceGrant {
  granted: number;
  /** How long to wait before the last granted slot may go (0 within the burst); 0 when none was granted. */
  waitMs: number;
  /** When the next slot, the first one not granted, may be asked for again. */
  retryAfterMs: number;
}

/** How many slots 0, 1, … spaced `intervalMs` apart start within `spanMs` (a hair of rounding forgiven). */
function fitting(spanMs: number, intervalMs: number): number {
  return Math.floor(spanMs / intervalMs + 1e-9) + 1;
}

/** Takes the next send slot of `key` (`takeSendSlots` for one). */
export async function takeSendSlot(
  db: Database,
  key: string,
  perSecond: number,
  maxWaitMs: number,
): Promise<PaceAnswer> {
  const grant = await takeSendSlots(db, key, perSecond, 1, maxWaitMs);
  return grant.granted === 1
    ? { ok: true, waitMs: grant.waitMs }
    : { ok: false, retryAfterMs: grant.retryAfterMs };
}

/**
 * Takes up to `count` consecutive send slots of `key` at `perSecond`, allowing a burst of one second's worth: as
 * many as can go within `maxWaitMs`. Sending all of them once `waitMs` has passed stays within the pace (each slot's
 * own time is at or before then). One atomic upsert takes all `count` when they fit; otherwise the current pace is
 * read and the fitting number taken by the same conditional upsert (again, should another process have taken
 * slots in between).
 */
export async function takeSendSlots(
  db: Database,
  key: string,
  perSecond: number,
  count: number,
  maxWaitMs: number,
): Promise<PaceGrant> {
  if (!(perSecond > 0)) throw new Error(`perSecond must be a positive number, got ${perSecond}`);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`count must be a positive integer, got ${count}`);
  const intervalMs = 1_000 / perSecond;
  const burst = Math.max(1, Math.floor(perSecond));
  // The wait before a send whose slot starts at `start`: its distance from now, less the burst's allowance.
  const slack = (burst - 1) * intervalMs;
  // Slots i = 0, 1, … of a pace that is free now wait i × interval − slack: no more than this many can ever fit.
  let take = Math.min(count, fitting(maxWaitMs + slack, intervalMs));
  for (;;) {
    const span = sql`make_interval(secs => ${(take * intervalMs) / 1_000})`;
    // Taken only if the last of the `take` slots (starting `take - 1` intervals after the first) fits the wait.
    const taken = await db.execute<{ wait_ms: number | string; next_ms: number | string }>(sql`
      insert into send_pacing as p (key, next_at) values (${key}, now() + ${span})
      on conflict (key) do update set next_at = greatest(p.next_at, now()) + ${span}
        where extract(epoch from greatest(p.next_at, now()) - now()) * 1000 + ${(take - 1) * intervalMs} - ${slack}
          <= ${maxWaitMs}
      returning extract(epoch from next_at - now()) * 1000 - ${intervalMs} - ${slack} as wait_ms,
        extract(epoch from next_at - now()) * 1000 - ${slack} as next_ms`);
    const row = taken.rows[0];
    if (row)
      return {
        granted: take,
        waitMs: Math.max(0, Number(row.wait_ms)),
        retryAfterMs: Math.max(1, Math.ceil(Number(row.next_ms))),
      };
    const held = await db.execute<{ wait_ms: number | string }>(sql`
      select extract(epoch from greatest(next_at, now()) - now()) * 1000 - ${slack} as wait_ms
      from send_pacing where key = ${key}`);
    const waitMs = Number(held.rows[0]?.wait_ms ?? 0);
    // Now slots i = 0, 1, … wait waitMs + i × interval: those within maxWaitMs fit.
    const fit = Math.min(take - 1, fitting(maxWaitMs - waitMs, intervalMs));
    if (fit < 1) return { granted: 0, waitMs: 0, retryAfterMs: Math.max(1, Math.ceil(waitMs)) };
    take = fit;
  }
}
