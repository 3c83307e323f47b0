/**
 * Per-provider messages-per-second limit (GCRA, i.e. a token bucket without a timer). A short wait is absorbed
 * here; a long one is handed back so the send is deferred and retried later instead of holding a worker slot.
 * The sender's limiter is the shared one: every worker process takes its slots from the same PostgreSQL row
 * (`send_pacing`), so the limit holds for the installation however many workers run. The in-process one is the same
 * rule in memory, for tests of the rule itself.
 */
import { takeSendSlot, type Database } from '@wakeflow/db';

export interface RateLimiter {
  /** Resolves when the call may proceed; returns the wait in ms it would need instead if that exceeds `maxWaitMs`. */
  acquire(
    key: string,
    perSecond: number,
    maxWaitMs: number,
  ): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
}

/** In one process's memory only. */
export function createRateLimiter(now: () => number = () => Date.now()): RateLimiter {
  /** Theoretical arrival time of the next permitted call, per key. */
  const tat = new Map<string, number>();
  return {
    async acquire(key, perSecond, maxWaitMs) {
      const interval = 1000 / perSecond;
      // A burst of up to one second's worth of calls passes without waiting.
      const burst = Math.max(1, Math.floor(perSecond));
      const t = now();
      const next = Math.max(tat.get(key) ?? t, t);
      const wait = next - t - (burst - 1) * interval;
      if (wait > maxWaitMs) return { ok: false, retryAfterMs: Math.ceil(wait) };
      tat.set(key, next + interval);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return { ok: true };
    },
  };
}

/** Shared by every process on the database: one atomic upsert per send takes its slot. */
export function createSharedRateLimiter(db: Database): RateLimiter {
  return {
    async acquire(key, perSecond, maxWaitMs) {
      const answer = await takeSendSlot(db, key, perSecond, maxWaitMs);
      if (!answer.ok) return answer;
      if (answer.waitMs > 0) await new Promise((r) => setTimeout(r, answer.waitMs));
      return { ok: true };
    },
  };
}
