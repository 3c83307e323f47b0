/**
 * recomputeRfm writes its staged scores in chunks on several connections: the scores must not depend on how the
 * rows are cut. A hand-worked fixture (ties, one-time buyers, stale scores to clear, rows already right, rows
 * scattered over the heap) is recomputed with tiny chunks so that tie groups and neighbours land in different
 * chunks and transactions, and compared with the expected table and with a single-chunk run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '@wakeflow/db/testing';
import { customers } from '@wakeflow/db';
import { defaultAudienceSettings, recomputeRfm } from '../src/index';

const OTHER = 'other';
const settings = defaultAudienceSettings; // high ≥ 12, mid ≥ 8

// 12 buyers → ntile(5) sizes 3,3,2,2,2 (positions 1–3 → 1, 4–6 → 2, 7–8 → 3, 9–10 → 4, 11–12 → 5); a tie group
// takes the ntile of its first position.
//   R (by day): b3–b5 tie at positions 3–5 → 1; b6 pos 6 → 2; b7, b8 → 3; b9–b10 tie at 9–10 → 4; b11, b12 → 5.
//   F (by count): b1–b7 one-time buyers, positions 1–7 → 1; b8–b9 (2) at 8–9 → 3; b10 (3) → 4; b11, b12 → 5.
//   M (by spend): b2–b5 (15) at 1–4 → 1; b6 pos 5 → 2; b7–b8 (60) at 6–7 → 2; b9 → 3; b10, b11 → 4; b12, b1 → 5.
const buyers: {
  ext: string;
  day: number;
  count: number;
  spend: number;
  expected: [number, number, number, string];
}[] = [
  { ext: 'b1', day: 1, count: 1, spend: 500, expected: [1, 1, 5, 'low'] },
  { ext: 'b2', day: 2, count: 1, spend: 15, expected: [1, 1, 1, 'low'] },
  { ext: 'b3', day: 3, count: 1, spend: 15, expected: [1, 1, 1, 'low'] },
  { ext: 'b4', day: 3, count: 1, spend: 15, expected: [1, 1, 1, 'low'] },
  { ext: 'b5', day: 3, count: 1, spend: 15, expected: [1, 1, 1, 'low'] },
  { ext: 'b6', day: 6, count: 1, spend: 40, expected: [2, 1, 2, 'low'] },
  { ext: 'b7', day: 7, count: 1, spend: 60, expected: [3, 1, 2, 'low'] },
  { ext: 'b8', day: 8, count: 2, spend: 60, expected: [3, 3, 2, 'mid'] },
  { ext: 'b9', day: 9, count: 2, spend: 80, expected: [4, 3, 3, 'mid'] },
  { ext: 'b10', day: 9, count: 3, spend: 100, expected: [4, 4, 4, 'high'] },
  { ext: 'b11', day: 11, count: 5, spend: 200, expected: [5, 5, 4, 'high'] },
  { ext: 'b12', day: 12, count: 9, spend: 300, expected: [5, 5, 5, 'high'] },
];
const expected: Record<string, unknown[]> = {
  ...Object.fromEntries(buyers.map((b) => [b.ext, b.expected])),
  n1: [null, null, null, 'low'], // never scored
  n2: [null, null, null, 'low'], // stale scores from when it had a purchase: cleared
  n3: [null, null, null, 'low'], // already cleared: not rewritten
};
// Everyone except b12 (already right) and n3 (already cleared).
const CHANGED = 13;

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ workspaceIds: [WS, OTHER] });
  // Inserted out of order so that heap order differs from score order.
  const order = ['b7', 'n1', 'b3', 'b12', 'b1', 'n2', 'b10', 'b5', 'b9', 'n3', 'b2', 'b8', 'b4', 'b11', 'b6'];
  for (const ext of order) {
    const b = buyers.find((x) => x.ext === ext);
    await t.db.insert(customers).values({
      workspaceId: WS,
      externalId: ext,
      purchaseCount: b?.count ?? 0,
      totalSpend: b?.spend ?? 0,
      lastPurchaseAt: b ? new Date(Date.UTC(2026, 0, b.day, 12)) : null,
    });
  }
  // Another workspace's buyer is never touched.
  await t.db.insert(customers).values({
    workspaceId: OTHER,
    externalId: 'x1',
    purchaseCount: 4,
    totalSpend: 99,
    lastPurchaseAt: new Date(),
  });
});
afterAll(async () => {
  await t?.drop();
});

/** The state before a recompute; the update also moves the rows to new heap positions. */
async function reset() {
  await t.db
    .update(customers)
    .set({ rfmRecency: null, rfmFrequency: null, rfmMonetary: null, valueTier: null })
    .where(eq(customers.workspaceId, WS));
  await t.db
    .update(customers)
    .set({ rfmRecency: 5, rfmFrequency: 5, rfmMonetary: 5, valueTier: 'high' })
    .where(inArray(customers.externalId, ['b12', 'n2']));
  await t.db.update(customers).set({ valueTier: 'low' }).where(eq(customers.externalId, 'n3'));
}

async function scores(workspaceId = WS) {
  const rows = await t.db.select().from(customers).where(eq(customers.workspaceId, workspaceId));
  return Object.fromEntries(
    rows.map((r) => [r.externalId, [r.rfmRecency, r.rfmFrequency, r.rfmMonetary, r.valueTier]]),
  );
}

describe('recomputeRfm in chunks', () => {
  it.each([
    { chunkRows: 1, concurrency: 2 },
    { chunkRows: 2, concurrency: 3 },
    { chunkRows: 5, concurrency: 2 },
    { chunkRows: 4, concurrency: 1 },
  ])(
    'gives the hand-worked scores with $chunkRows row(s) per chunk on $concurrency connection(s)',
    async (options) => {
      await reset();
      const result = await recomputeRfm(t.db, WS, { settings, ...options });
      expect(result).toMatchObject({
        scored: 12,
        changed: CHANGED,
        chunks: Math.ceil(CHANGED / options.chunkRows),
      });
      expect(await scores()).toEqual(expected);
      expect(await scores(OTHER)).toEqual({ x1: [null, null, null, null] });
      // Nothing left to write, and the staging tables are gone.
      expect(await recomputeRfm(t.db, WS, { settings, ...options })).toMatchObject({
        scored: 12,
        changed: 0,
        chunks: 0,
      });
      const staged = await t.db.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_class where relname like 'wakeflow_rfm_stage_%'`,
      );
      expect(staged.rows[0]?.n).toBe(0);
    },
  );

  it('gives the same scores in one chunk (the default)', async () => {
    await reset();
    expect(await recomputeRfm(t.db, WS, { settings })).toMatchObject({
      scored: 12,
      changed: CHANGED,
      chunks: 1,
    });
    expect(await scores()).toEqual(expected);
  });

  it('writes only what changed when a tie breaks across chunks', async () => {
    // b4 buys again on day 20: most recent (R 5), count 2 (F 3, ties with b8 and b9 at positions 8–10 → 3), spend 40
    // (ties with b6 at positions 4–5 → 2). b3, b5 keep their R: 1 (positions 3–4). R of b6…b12 move down by one position:
    // b6 pos 5 → 2, b7 pos 6 → 2, b8 pos 7 → 3, b9–b10 pos 8–9 → 3, b11 pos 10 → 4, b12 pos 11 → 5, b4 pos 12 → 5.
    await t.db
      .update(customers)
      .set({ purchaseCount: 2, totalSpend: 40, lastPurchaseAt: new Date(Date.UTC(2026, 0, 20, 12)) })
      .where(eq(customers.externalId, 'b4'));
    const result = await recomputeRfm(t.db, WS, { settings, chunkRows: 1, concurrency: 2 });
    // F: one-time buyers b1–b3, b5–b7 at 1–6 → 1; b4, b8, b9 (2) at 7–9 → 3; b10 → 4; b11, b12 → 5.
    // M: b2, b3, b5 (15) at 1–3 → 1; b4, b6 (40) at 4–5 → 2; b7, b8 (60) at 6–7 → 2; b9 → 3; b10, b11 → 4; b12, b1 → 5.
    expect(await scores()).toEqual({
      ...expected,
      b4: [5, 3, 2, 'mid'],
      b7: [2, 1, 2, 'low'],
      b9: [3, 3, 3, 'mid'],
      b10: [3, 4, 4, 'mid'],
      b11: [4, 5, 4, 'high'],
    });
    expect(result).toMatchObject({ scored: 12, changed: 5 });
  });
});
