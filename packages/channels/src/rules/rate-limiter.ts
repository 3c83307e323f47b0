/**
 * Per-provider messages-per-second limit inside one worker process (GCRA, i.e. a token bucket without a timer).
 * A short wait is absorbed here; a long one is handed back so the activity fails and Temporal retries it later
 * instead of holding a worker slot. For a limit across all workers, give the channel its own task queue with
 * `maxTaskQueueActivitiesPerSecond` (see docs/channels.md).
 */
export interface RateLimiter {
  /** Resolves when the call may proceed; returns the wait in ms it would need instead if that exceeds `maxWaitMs`. */
  acquire(
    key: string,
    perSecond: number,
    maxWaitMs: number,
  ): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
}

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
