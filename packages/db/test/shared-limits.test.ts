/**
 * The counters several processes share (queries/rate-limits.ts), on a real database with two connection pools
 * standing in for two processes: concurrent hits are each counted once, windows restart by the database's clock,
 * and the send pace hands out exactly the slots one process would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import {
  connect,
  countRateLimitHit,
  deleteExpiredRateLimits,
  rateLimitCount,
  rateLimitCounters,
  resetRateLimitKey,
  takeSendSlot,
  type PaceAnswer,
  uncountRateLimitHit,
  type DatabaseHandle,
} from '../src/index';
import { createTestDatabase, type TestDatabase } from '../src/testing';

describe('shared rate-limit counters', () => {
  let database: TestDatabase;
  let other: DatabaseHandle;

  beforeAll(async () => {
    database = await createTestDatabase();
    other = connect(database.appUrl);
  }, 60_000);
  afterAll(async () => {
    await other?.close();
    await database?.drop();
  });

  it('counts concurrent hits from two pools exactly once each, in one window', async () => {
    const hits = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        countRateLimitHit(i % 2 ? other.db : database.db, 'k/race', 60_000),
      ),
    );
    expect(hits.map((h) => h.hits).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(new Set(hits.map((h) => h.resetAt.getTime())).size).toBe(1);
    expect((await rateLimitCount(other.db, 'k/race'))?.hits).toBe(40);
  });

  it('takes back a hit, never below zero, and resets a key', async () => {
    await countRateLimitHit(database.db, 'k/back', 60_000);
    await uncountRateLimitHit(other.db, 'k/back');
    await uncountRateLimitHit(other.db, 'k/back');
    expect((await rateLimitCount(database.db, 'k/back'))?.hits).toBe(0);
    await resetRateLimitKey(database.db, 'k/back');
    expect(await rateLimitCount(database.db, 'k/back')).toBeUndefined();
  });

  it('starts a new window once the old one has ended, and purges ended windows', async () => {
    await countRateLimitHit(database.db, 'k/window', 60_000);
    await countRateLimitHit(database.db, 'k/window', 60_000);
    // The window ended (moved back rather than waited for).
    await database.db
      .update(rateLimitCounters)
      .set({ resetAt: sql`now() - interval '2 minutes'` })
      .where(eq(rateLimitCounters.key, 'k/window'));
    expect(await rateLimitCount(database.db, 'k/window')).toBeUndefined();
    await countRateLimitHit(database.db, 'k/ended', 60_000);
    await database.db
      .update(rateLimitCounters)
      .set({ resetAt: sql`now() - interval '2 minutes'` })
      .where(eq(rateLimitCounters.key, 'k/ended'));
    const again = await countRateLimitHit(other.db, 'k/window', 60_000);
    expect(again.hits).toBe(1);
    expect(again.resetAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await deleteExpiredRateLimits(database.db)).toBe(1);
    const left = await database.db.select({ key: rateLimitCounters.key }).from(rateLimitCounters);
    expect(left.map((r) => r.key)).not.toContain('k/ended');
  });

  it('paces sends across pools: a burst of one second, then one slot per interval, refusing long waits', async () => {
    // Warm both pools, so the concurrent asks below reach the database within a few milliseconds of each other.
    await Promise.all([database.db.execute(sql`select 1`), other.db.execute(sql`select 1`)]);
    const ask = (key: string, perSecond: number, maxWaitMs: number, n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          takeSendSlot(i % 2 ? other.db : database.db, key, perSecond, maxWaitMs),
        ),
      );
    // 3 per second, no waiting allowed: exactly the burst of 3 goes.
    const burst = await ask('ws/sms', 3, 0, 6);
    expect(burst.filter((a) => a.ok)).toHaveLength(3);
    // 1 per second, up to 2.5 s of waiting: slots at 0, 1 s and 2 s; the fourth and fifth are refused.
    const paced = await ask('ws/mail', 1, 2_500, 5);
    const waits = paced.flatMap((a) => (a.ok ? [Math.round(a.waitMs / 1_000) * 1_000] : []));
    expect(waits.sort((a, b) => a - b)).toEqual([0, 1_000, 2_000]);
    for (const refused of paced.filter((a): a is Extract<PaceAnswer, { ok: false }> => !a.ok)) {
      expect(refused.retryAfterMs).toBeGreaterThan(2_500);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(3_000);
    }
    await expect(takeSendSlot(database.db, 'ws/x', 0, 0)).rejects.toThrow(/perSecond/);
  });
});
