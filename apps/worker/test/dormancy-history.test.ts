/**
 * Daily dormancy snapshots on real PostgreSQL: counts per stage × tier on a fixture whose stages are worked out by
 * hand, a rerun on the same day overwriting (not adding to) that day, two days side by side, the workspace's own
 * stage boundaries, and the reconstruction of past days from the event log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '@wakeflow/db/testing';
import { customers, dormancyDailySnapshots } from '@wakeflow/db';
import { createAnalyticsActivities } from '@wakeflow/catalog';
import {
  backfillDormancyFromEvents,
  dormancyHistory,
  dormancyOverview,
  dormancyStageOf,
  ingestEvents,
  loadAudienceSettings,
  saveAudienceSettings,
  snapshotDormancy,
  upsertCustomers,
  type DormancyHistory,
} from '@wakeflow/audience';
import { daysAgo, event } from '../../../packages/audience/test/helpers';

const BF = 'backfill';
const JOBS = 'jobs';
const NOW = new Date('2026-03-01T12:00:00Z');
const LATER = new Date('2026-04-30T12:00:00Z');
const HOUR = 3_600_000;

let t: TestDatabase;

/** `stage/tier` → customers for one day, zero cells left out. */
function cellsOf(history: DormancyHistory, day: string): Record<string, number> {
  return Object.fromEntries(
    history.cells
      .filter((c) => c.day === day && c.customers > 0)
      .map((c) => [`${c.stage}/${c.tier}`, c.customers]),
  );
}

beforeAll(async () => {
  t = await createTestDatabase({ workspaceIds: [WS, BF, JOBS] });
  // Default boundaries 30/90/180/365 days. Days since last activity at NOW, and the stage that gives:
  // a 5 → active, b 29 → active, c 30d+1h → 1–3m, d 100 → 3–6m, e 200 → 6–12m, f 400 → 12m+, g only a message
  // receipt (not activity) → never active.
  await upsertCustomers(
    t.db,
    WS,
    ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((externalId) => ({ externalId })),
  );
  await ingestEvents(t.db, WS, [
    event('a', 'login', daysAgo(5, NOW)),
    event('b', 'purchase', daysAgo(29, NOW), { amount: 5 }),
    event('c', 'login', new Date(NOW.getTime() - 30 * 86_400_000 - HOUR).toISOString()),
    event('d', 'login', daysAgo(100, NOW)),
    event('e', 'login', daysAgo(200, NOW)),
    event('f', 'login', daysAgo(400, NOW)),
    event('g', 'message_opened', daysAgo(1, NOW)),
  ]);
  await t.db
    .update(customers)
    .set({ valueTier: 'high' })
    .where(and(eq(customers.workspaceId, WS), eq(customers.externalId, 'a')));
  await t.db
    .update(customers)
    .set({ valueTier: 'low' })
    .where(and(eq(customers.workspaceId, WS), inArray(customers.externalId, ['d', 'f'])));
});
afterAll(async () => {
  await t?.drop();
});

describe('snapshotDormancy', () => {
  it('stores every stage × tier cell of the day, with the overview’s counts', async () => {
    const result = await snapshotDormancy(t.db, WS, { now: NOW });
    expect(result).toEqual({ day: '2026-03-01', total: 7 });
    const history = await dormancyHistory(t.db, WS, { from: '2026-03-01', to: '2026-03-01' });
    expect(history.days).toEqual(['2026-03-01']);
    expect(history.cells).toHaveLength(6 * 4);
    expect(cellsOf(history, '2026-03-01')).toEqual({
      'active/high': 1,
      'active/unscored': 1,
      'dormant_1_3m/unscored': 1,
      'dormant_3_6m/low': 1,
      'dormant_6_12m/unscored': 1,
      'dormant_12m_plus/low': 1,
      'never_active/unscored': 1,
    });
    // Same definition as the live overview at the same instant.
    const overview = await dormancyOverview(t.db, WS, { now: NOW });
    const key = (c: { stage: string; tier: string; customers: number }) =>
      [`${c.stage}/${c.tier}`, c.customers] as const;
    expect(Object.fromEntries(history.cells.map(key))).toEqual(Object.fromEntries(overview.cells.map(key)));
  });

  it('is idempotent for a day: a rerun overwrites the day, leaving no stale cell', async () => {
    await snapshotDormancy(t.db, WS, { now: NOW });
    // d comes back; the rerun later the same day moves d from 3–6m to active.
    await ingestEvents(t.db, WS, [event('d', 'login', new Date(NOW.getTime() + HOUR).toISOString())]);
    await snapshotDormancy(t.db, WS, { now: new Date(NOW.getTime() + 2 * HOUR) });
    const rows = await t.db
      .select()
      .from(dormancyDailySnapshots)
      .where(eq(dormancyDailySnapshots.workspaceId, WS));
    expect(rows).toHaveLength(24);
    const history = await dormancyHistory(t.db, WS, { from: '2026-03-01', to: '2026-03-01' });
    expect(cellsOf(history, '2026-03-01')).toEqual({
      'active/high': 1,
      'active/unscored': 1,
      'active/low': 1,
      'dormant_1_3m/unscored': 1,
      'dormant_6_12m/unscored': 1,
      'dormant_12m_plus/low': 1,
      'never_active/unscored': 1,
    });
  });

  it('keeps two days apart, and reads them back by range and tier', async () => {
    // 60 days on: a 65 → 1–3m, b 89 → 1–3m, c 90d+1h → 3–6m, d 60d−1h → 1–3m, e 260 → 6–12m, f 460 → 12m+.
    await snapshotDormancy(t.db, WS, { now: LATER });
    const both = await dormancyHistory(t.db, WS, { from: '2026-02-01', to: '2026-05-01' });
    expect(both.days).toEqual(['2026-03-01', '2026-04-30']);
    expect(cellsOf(both, '2026-04-30')).toEqual({
      'dormant_1_3m/high': 1,
      'dormant_1_3m/unscored': 1,
      'dormant_1_3m/low': 1,
      'dormant_3_6m/unscored': 1,
      'dormant_6_12m/unscored': 1,
      'dormant_12m_plus/low': 1,
      'never_active/unscored': 1,
    });
    const low = await dormancyHistory(t.db, WS, { from: '2026-04-01', to: '2026-04-30', tier: 'low' });
    expect(low.tiers).toEqual(['low']);
    expect(low.days).toEqual(['2026-04-30']);
    expect(low.cells.every((c) => c.tier === 'low')).toBe(true);
    expect(cellsOf(low, '2026-04-30')).toEqual({ 'dormant_1_3m/low': 1, 'dormant_12m_plus/low': 1 });
  });
});

describe('backfillDormancyFromEvents', () => {
  // Boundaries 7/14/21/28 days (this workspace's own settings). x: logins Jan 1 and Jan 10 (10:00), a message
  // receipt Jan 19 (not activity); y: signed up Jan 5, never active. Day D is judged at the end of D (D+1 00:00Z).
  const xEvents = ['2026-01-01T10:00:00Z', '2026-01-10T10:00:00Z'];

  beforeAll(async () => {
    await saveAudienceSettings(t.db, BF, { dormancyStagesDays: [7, 14, 21, 28] });
    await upsertCustomers(t.db, BF, [
      { externalId: 'x', signedUpAt: '2026-01-01T09:00:00Z' },
      { externalId: 'y', signedUpAt: '2026-01-05T08:00:00Z' },
    ]);
    await ingestEvents(t.db, BF, [
      ...xEvents.map((at) => event('x', 'login', at)),
      event('x', 'message_delivered', '2026-01-19T10:00:00Z'),
    ]);
    // A recorded snapshot of Jan 20 that the backfill must not replace.
    await snapshotDormancy(t.db, BF, { now: new Date('2026-01-20T12:00:00Z') });
  });

  it('reconstructs each day’s stages from the last activity before its end', async () => {
    const result = await backfillDormancyFromEvents(t.db, BF, { from: '2025-12-31', to: '2026-01-20' });
    expect(result.days).toBe(20); // Dec 31 – Jan 19; Jan 20 was already recorded
    const history = await dormancyHistory(t.db, BF, { from: '2025-12-31', to: '2026-01-20' });
    expect(history.days).toHaveLength(21);
    expect(cellsOf(history, '2025-12-31')).toEqual({}); // nobody had signed up
    expect(cellsOf(history, '2026-01-01')).toEqual({ 'active/unscored': 1 });
    expect(cellsOf(history, '2026-01-04')).toEqual({ 'active/unscored': 1 }); // y signs up on Jan 5
    expect(cellsOf(history, '2026-01-05')).toEqual({ 'active/unscored': 1, 'never_active/unscored': 1 });
    expect(cellsOf(history, '2026-01-07')).toEqual({ 'active/unscored': 1, 'never_active/unscored': 1 }); // 6d14h
    expect(cellsOf(history, '2026-01-08')).toEqual({
      'dormant_1_3m/unscored': 1,
      'never_active/unscored': 1,
    }); // 7d14h
    expect(cellsOf(history, '2026-01-09')).toEqual({
      'dormant_1_3m/unscored': 1,
      'never_active/unscored': 1,
    }); // Jan 10 not yet
    expect(cellsOf(history, '2026-01-10')).toEqual({ 'active/unscored': 1, 'never_active/unscored': 1 });
    expect(cellsOf(history, '2026-01-17')).toEqual({
      'dormant_1_3m/unscored': 1,
      'never_active/unscored': 1,
    });
    expect(cellsOf(history, '2026-01-19')).toEqual({
      'dormant_1_3m/unscored': 1,
      'never_active/unscored': 1,
    }); // receipt ≠ activity

    // Every day agrees with the TypeScript stage function on the same events.
    const settings = await loadAudienceSettings(t.db, BF);
    for (const day of history.days.filter((d) => d !== '2026-01-20')) {
      const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
      const last = xEvents.filter((at) => Date.parse(at) < end.getTime()).at(-1) ?? null;
      const expected: Record<string, number> = {};
      if (last) expected[`${dormancyStageOf(last, end, settings)}/unscored`] = 1;
      if (end > new Date('2026-01-05T08:00:00Z')) expected['never_active/unscored'] = 1;
      expect(cellsOf(history, day), day).toEqual(expected);
    }
  });

  it('leaves recorded days alone and adds nothing on a rerun', async () => {
    const [recorded] = await t.db
      .select({ takenAt: dormancyDailySnapshots.takenAt })
      .from(dormancyDailySnapshots)
      .where(and(eq(dormancyDailySnapshots.workspaceId, BF), eq(dormancyDailySnapshots.day, '2026-01-20')))
      .limit(1);
    expect(recorded?.takenAt.toISOString()).toBe('2026-01-20T12:00:00.000Z');
    expect(await backfillDormancyFromEvents(t.db, BF, { from: '2025-12-31', to: '2026-01-20' })).toEqual({
      days: 0,
    });
  });
});

describe('the daily analytics job', () => {
  it('`dormancy_snapshot` files today’s counts', async () => {
    await upsertCustomers(t.db, JOBS, [{ externalId: 'solo' }]);
    const today = new Date().toISOString().slice(0, 10);
    const result = await createAnalyticsActivities(t.db).runAnalyticsJob({
      workspaceId: JOBS,
      job: 'dormancy_snapshot',
    });
    expect(result).toEqual({ day: today, total: 1 });
    const history = await dormancyHistory(t.db, JOBS, { from: today, to: today });
    expect(cellsOf(history, today)).toEqual({ 'never_active/unscored': 1 });
  });
});
