/**
 * express-rate-limit's `Store` over PostgreSQL (`rate_limit_counters`): every API process counts into the same
 * rows, so a limit holds for the installation, not per process. Each limiter has its own prefix, so two limiters
 * counting the same client (per address and per account, or sign-in and password reset) stay apart.
 */
import type { IncrementResponse, Options, Store } from 'express-rate-limit';
import {
  countRateLimitHit,
  deleteExpiredRateLimits,
  rateLimitCount,
  resetRateLimitKey,
  uncountRateLimitHit,
  type Database,
} from '@wakeflow/db';

/** How often a process deletes windows that have ended (any process may; the delete is idempotent). */
const PURGE_EVERY_MS = 10 * 60_000;
let lastPurge = 0;

export class PostgresRateLimitStore implements Store {
  /** Counts are shared with every other process using the same database. */
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly db: Database,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string): string {
    return `${this.prefix}/${key}`;
  }

  async get(key: string) {
    const count = await rateLimitCount(this.db, this.key(key));
    return count ? { totalHits: count.hits, resetTime: count.resetAt } : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const count = await countRateLimitHit(this.db, this.key(key), this.windowMs);
    this.purgeNowAndThen();
    return { totalHits: count.hits, resetTime: count.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await uncountRateLimitHit(this.db, this.key(key));
  }

  async resetKey(key: string): Promise<void> {
    await resetRateLimitKey(this.db, this.key(key));
  }

  private purgeNowAndThen(): void {
    const now = Date.now();
    if (now - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now;
    // Housekeeping only: a failure leaves rows that the next purge (or the upsert's restart) handles.
    void deleteExpiredRateLimits(this.db).catch(() => undefined);
  }
}
