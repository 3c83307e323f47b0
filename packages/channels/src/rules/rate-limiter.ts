/**
 * Per-provider messages-per-second limit (GCRA, i.e. a token bucket without a timer). A short wait is absorbed
 * here; a long one is handed back so the send is deferred and retried later instead of holding a worker slot.
 * The sender's limiter is the shared one: every worker process takes its slots from the same PostgreSQL row
 * (`send_pacing`), so the limit holds for the installation however many workers run. The in-process one is the same
 * rule in memory, for tests of the rule itself. A batch takes its slots in one step (`acquireMany`).
 */
import { takeSendSlots, type Database } from '@wakeflow/db';

export interface RateLimiter {
  /** Resolves when the call may proceed; returns the wait in ms it would need instead if that exceeds `maxWaitMs`. */
  acquire(
    key: string,
    perSecond: number,
    maxWaitMs: number,
  ): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
  /**
   * Up to `count` calls at once: resolves when the first `granted` of them may all proceed (as many as fit within
   * `maxWaitMs`); the others may ask again after `retryAfterMs`.
   */
  acquireMany(
    key: string,
    perSecond: number,
    count: number,
    maxWaitMs: number,
  ): Promise<{ granted: number; retryAfterMs: number }>;
}

type Grant = { granted: number; waitMs: number; retryAfterMs: number };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A limiter from its one rule, taking `count` slots: waits for the granted ones, and `acquire` is a count of one. */
function limiterOf(
  take: (key: string, perSecond: number, count: number, maxWaitMs: number) => Promise<Grant>,
): RateLimiter {
  const acquireMany: RateLimiter['acquireMany'] = async (key, perSecond, count, maxWaitMs) => {
    const grant = await take(key, perSecond, count, maxWaitMs);
    if (grant.granted > 0 && grant.waitMs > 0) await sleep(grant.waitMs);
    return { granted: grant.granted, retryAfterMs: grant.retryAfterMs };
  };
  return {
    acquireMany,
    async acquire(key, perSecond, maxWaitMs) {
      const { granted, retryAfterMs } = await acquireMany(key, perSecond, 1, maxWaitMs);
      return granted === 1 ? { ok: true } : { ok: false, retryAfterMs };
    },
  };
}

/** In one process's memory only. */
export function createRateLimiter(now: () => number = () => Date.now()): RateLimiter {
  /** Theoretical arrival time of the next permitted call, per key. */
  const tat = new Map<string, number>();
  return limiterOf(async (key, perSecond, count, maxWaitMs) => {
    const interval = 1000 / perSecond;
    // A burst of up to one second's worth of calls passes without waiting.
    const burst = Math.max(1, Math.floor(perSecond));
    const t = now();
    const next = Math.max(tat.get(key) ?? t, t);
    // Slot i waits `first + i × interval`: those within maxWaitMs are granted.
    const first = next - t - (burst - 1) * interval;
    const granted = Math.max(0, Math.min(count, Math.floor((maxWaitMs - first) / interval + 1e-9) + 1));
    if (granted > 0) tat.set(key, next + granted * interval);
    return {
      granted,
      waitMs: granted > 0 ? Math.max(0, first + (granted - 1) * interval) : 0,
      retryAfterMs: Math.ceil(first + granted * interval),
    };
  });
}

/** Shared by every process on the database: one atomic upsert takes a send's (or a batch's) slots. */
export function createSharedRateLimiter(db: Database): RateLimiter {
  return limiterOf((key, perSecond, count, maxWaitMs) => takeSendSlots(db, key, perSecond, count, maxWaitMs));
}
