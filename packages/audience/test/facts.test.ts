/**
 * RFM quintiles, value tiers and the dormancy overview on a fixture whose expected values are worked out by hand
 * (see the table in the first test).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '@wakeflow/db/testing';
import { customers } from '@wakeflow/db';
import type { EventInput } from '@wakeflow/journey';
import {
  dormancyOverview,
  getCustomerProfile,
  ingestEvents,
  recomputeRfm,
  upsertCustomers,
} from '../src/index';
import { event } from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  // c1..c10: c_i's purchases end on 2025-12-i (recency order = i); purchase counts 1,1,1,1,2,3,4,5,6,7 (a four-way
  // tie); total spend 10·i split evenly over the purchases.
  const counts = [1, 1, 1, 1, 2, 3, 4, 5, 6, 7];
  const events: EventInput[] = [];
  counts.forEach((k, idx) => {
    const i = idx + 1;
    for (let j = 0; j < k; j++) {
      const day = new Date(Date.UTC(2025, 11, i, 12) - j * 86_400_000).toISOString();
      events.push(event(`c${i}`, 'purchase', day, { amount: (10 * i) / k }));
    }
  });
  await upsertCustomers(t.db, WS, [
    ...counts.map((_, idx) => ({ externalId: `c${idx + 1}` })),
    { externalId: 'nobuy' },
    { externalId: 'never' },
  ]);
  events.push(event('nobuy', 'login', '2026-04-25T08:00:00Z'));
  await ingestEvents(t.db, WS, events);
});
afterAll(async () => {
  await t?.drop();
});

const scores = async () => {
  const rows = await t.db.select().from(customers).where(eq(customers.workspaceId, WS));
  return Object.fromEntries(
    rows.map((r) => [r.externalId, [r.rfmRecency, r.rfmFrequency, r.rfmMonetary, r.valueTier]]),
  );
};

describe('recomputeRfm', () => {
  it('scores quintiles with ties sharing a score and tiers by R+F+M', async () => {
    const result = await recomputeRfm(t.db, WS);
    expect(result.scored).toBe(10);
    // R: ntile by last purchase → pairs (c1,c2)=1 … (c9,c10)=5.
    // F: counts 1,1,1,1 fill positions 1–4 → ntiles 1,1,2,2 → the tie shares 1; 2→3, 3→3, 4→4, 5→4, 6→5, 7→5.
    // M: spend 10·i → pairs as for R.  Tier: ≥12 high, ≥8 mid, else low.
    expect(await scores()).toEqual({
      c1: [1, 1, 1, 'low'],
      c2: [1, 1, 1, 'low'],
      c3: [2, 1, 2, 'low'],
      c4: [2, 1, 2, 'low'],
      c5: [3, 3, 3, 'mid'],
      c6: [3, 3, 3, 'mid'],
      c7: [4, 4, 4, 'high'],
      c8: [4, 4, 4, 'high'],
      c9: [5, 5, 5, 'high'],
      c10: [5, 5, 5, 'high'],
      nobuy: [null, null, null, 'low'],
      never: [null, null, null, 'low'],
    });
  });

  it('writes only rows that changed on a second run', async () => {
    const again = await recomputeRfm(t.db, WS);
    expect(again).toMatchObject({ scored: 10, changed: 0 });
  });

  it('moves a customer up after new purchases', async () => {
    await ingestEvents(t.db, WS, [
      event('c1', 'purchase', '2026-01-05T00:00:00Z', { amount: 500 }),
      ...Array.from({ length: 8 }, (_, j) =>
        event('c1', 'purchase', `2025-11-0${j + 1}T00:00:00Z`, { amount: 1 }),
      ),
    ]);
    await recomputeRfm(t.db, WS);
    // c1 is now the most recent, most frequent (10) and biggest spender (510).
    expect((await scores()).c1).toEqual([5, 5, 5, 'high']);
  });
});

describe('dormancy overview and profile', () => {
  it('counts customers per stage × tier at a given time', async () => {
    const overview = await dormancyOverview(t.db, WS, { now: new Date('2026-05-01T00:00:00Z') });
    const cell = (stage: string, tier: string) =>
      overview.cells.find((c) => c.stage === stage && c.tier === tier)?.customers;
    expect(overview.total).toBe(12);
    expect(overview.cells).toHaveLength(6 * 4);
    // c1 bought on 2026-01-05 (116 days before) → 3–6 months; c2..c10 last bought 2025-12-02..10 (142–150 days).
    // Scores after c1 moved up: recency order c2…c10,c1; counts c2–c4 = 1 (tie → 1), c5 2→2, c6 3→3, c7 4→3,
    // c8 5→4, c9 6→4, c10 7→5, c1 10→5; spend in the same order as recency. So c2–c5 low (3,3,5,6),
    // c6–c7 mid (9), c8–c10 and c1 high (12,12,15,15).
    expect(cell('dormant_3_6m', 'high')).toBe(4);
    expect(cell('dormant_3_6m', 'mid')).toBe(2);
    expect(cell('dormant_3_6m', 'low')).toBe(4);
    expect(cell('active', 'low')).toBe(1); // nobuy logged in 6 days before
    expect(cell('never_active', 'low')).toBe(1);
  });

  it('shows facts, windows and the timeline on the profile', async () => {
    const [c9] = await t.db.select().from(customers).where(eq(customers.externalId, 'c9'));
    const profile = await getCustomerProfile(t.db, WS, c9!.id, { now: new Date('2025-12-20T00:00:00Z') });
    expect(profile?.facts).toMatchObject({
      purchaseCount: 6,
      totalSpend: 90,
      valueTier: 'high',
      rfm: { recency: 4, frequency: 4, monetary: 4 },
      dormancyStage: 'active',
    });
    // Purchases on Dec 4..9: all within 30 days of Dec 20.
    expect(profile?.facts.windows.find((w) => w.days === 30)).toEqual({
      days: 30,
      purchases: 6,
      spend: 90,
      logins: 0,
      activeDays: 6,
    });
    expect(profile?.timeline).toHaveLength(6);
    expect(profile?.timeline[0]).toMatchObject({
      kind: 'event',
      name: 'purchase',
      at: '2025-12-09T12:00:00.000Z',
    });
  });
});
