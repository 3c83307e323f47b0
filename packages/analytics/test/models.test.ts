/**
 * Experiments, churn predictions and dormancy reasons on real PostgreSQL: an automatic winner is decided from the
 * rollups and recorded for the run starter; a refit stores per-customer facts; rules tag dormant customers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import {
  churnModels,
  customerDailyActivity,
  customerDormancyReasons,
  customerPredictions,
  customers,
  events,
  runs,
  type Database,
} from '@wakeflow/db';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import {
  computeDormancyReasons,
  configureExperiment,
  evaluateExperiments,
  experimentResults,
  forcedArmsOf,
  refitChurnModel,
  seededRandom,
  simulateBgNbdCustomer,
} from '../src/index';
import { publish, splitJourney } from './helpers';

const WS = 'test';
let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database?.drop();
});

describe('experiments', () => {
  it('decides a clear winner from the rollups and hands it to new runs', async () => {
    const journeyId = await publish(db, WS, splitJourney, {
      conversion: { events: ['purchase'], window: { amount: 7, unit: 'days' } },
    });
    // 600 runs per arm set-based: arm a converts 10%, arm b 25%.
    await db.execute(
      sql`insert into customers (workspace_id, external_id) select ${WS}, 'x' || g from generate_series(1, 1200) g`,
    );
    await db.execute(sql`
      insert into runs (workspace_id, workflow_id, journey_id, version, customer_id, entry, holdout, arms, started_at)
      select ${WS}, 'wf-x-' || c.external_id, ${journeyId}, 1, c.id, 1, false,
        jsonb_build_object('s', case when substr(c.external_id, 2)::int % 2 = 0 then 'a' else 'b' end), now() - interval '2 days'
      from customers c where c.external_id like 'x%'`);
    await db.execute(sql`
      insert into conversions (workspace_id, run_id, event_id, arm, converted_at)
      select ${WS}, r.id, 0, r.arms->>'s', now() from runs r join customers c on c.id = r.customer_id
      where (r.arms->>'s' = 'a' and substr(c.external_id, 2)::int % 20 = 0) or (r.arms->>'s' = 'b' and substr(c.external_id, 2)::int % 8 = 1)`);
    const [before] = await experimentResults(db, WS, journeyId, 1);
    expect(before!.arms.map((a) => [a.arm, a.entered, a.converted])).toEqual([
      ['a', 600, 60],
      ['b', 600, 150],
    ]);
    expect(before!.arms[1]!.chanceToBeatControl).toBeGreaterThan(0.999);
    expect(before!.test.state).toBe('winner');
    // Without auto-winner settings nothing is recorded.
    expect(await evaluateExperiments(db, WS)).toEqual([]);
    await expect(
      configureExperiment(db, WS, { journeyId, version: 1, splitStepId: 's' }, { controlArm: 'zzz' }),
    ).rejects.toThrow('The split has no arm “zzz”');
    await configureExperiment(
      db,
      WS,
      { journeyId, version: 1, splitStepId: 's' },
      { controlArm: 'a', autoWinner: true, minPerArm: 100 },
    );
    const decided = await evaluateExperiments(db, WS);
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({ status: 'winner', winnerArm: 'b' });
    expect(await forcedArmsOf(db, WS, journeyId, 1)).toEqual({ s: 'b' });
    expect(await forcedArmsOf(db, 'other', journeyId, 1)).toEqual({});
  });
});

describe('churn model', () => {
  it('fits the workspace’s purchase days and stores P(alive), expected purchases and predicted CLV per customer', async () => {
    const rnd = seededRandom(3);
    const now = new Date('2026-06-30T00:00:00Z');
    const end = Math.floor(now.getTime() / 86_400_000);
    const rows: (typeof customerDailyActivity.$inferInsert)[] = [];
    for (let i = 0; i < 400; i++) {
      const [c] = await db
        .insert(customers)
        .values({ workspaceId: WS, externalId: `buyer${i}` })
        .returning({ id: customers.id });
      const T = 100 + Math.floor(rnd.next() * 200);
      const s = simulateBgNbdCustomer(rnd, { r: 0.5, alpha: 20, a: 0.8, b: 3 }, T);
      const first = end - T;
      const days = new Set([first]);
      // x repeat days spread up to tx, the last exactly at tx.
      for (let k = 1; k < s.x; k++)
        days.add(first + 1 + Math.floor(rnd.next() * Math.max(1, Math.floor(s.tx) - 1)));
      if (s.x > 0) days.add(first + Math.max(1, Math.floor(s.tx)));
      for (const d of days)
        rows.push({
          workspaceId: WS,
          customerId: c!.id,
          day: new Date(d * 86_400_000).toISOString().slice(0, 10),
          activityCount: 1,
          purchaseCount: 1,
          spend: 20 + Math.round(rnd.next() * 30),
        });
    }
    await db.insert(customerDailyActivity).values(rows);
    const result = await refitChurnModel(db, WS, { now, horizonDays: 90 });
    expect(result).not.toBeNull();
    expect(result!.customers).toBe(400);
    const predictions = await db
      .select()
      .from(customerPredictions)
      .where(eq(customerPredictions.workspaceId, WS));
    expect(predictions).toHaveLength(400);
    for (const p of predictions) {
      expect(p.pAlive).toBeGreaterThan(0);
      expect(p.pAlive).toBeLessThanOrEqual(1);
      expect(p.expectedPurchases).toBeGreaterThanOrEqual(0);
      expect(p.horizonDays).toBe(90);
    }
    expect(predictions.some((p) => p.predictedClv !== null && p.predictedClv > 0)).toBe(true);
    // Each CLV's rank: the share of customers whose CLV is at least as high, so the highest is 1/400 and the
    // "top 20%" are about 80 customers (ties share the larger share).
    const ranked = predictions.filter((p) => p.predictedClv !== null);
    for (const p of ranked) {
      const atLeast = ranked.filter((o) => o.predictedClv! >= p.predictedClv!).length;
      expect(p.predictedClvTopPercent).toBeCloseTo((100 * atLeast) / ranked.length, 9);
    }
    const [model] = await db.select().from(churnModels);
    expect(model!.params).toHaveProperty('r');
    expect(model!.logLikelihood).toBeLessThan(0);
  });
});

describe('dormancy reasons', () => {
  it('tags bad experience, need gone, natural decay and unknown by the configured rules', async () => {
    const now = new Date('2026-06-30T00:00:00Z');
    const lastActive = new Date('2026-03-01T00:00:00Z');
    const ids: Record<string, string> = {};
    for (const name of ['complainer', 'resolved', 'parent', 'fading', 'quiet', 'active']) {
      const [c] = await db
        .insert(customers)
        .values({
          workspaceId: WS,
          externalId: name,
          lastActivityAt: name === 'active' ? new Date('2026-06-29T00:00:00Z') : lastActive,
        })
        .returning({ id: customers.id });
      ids[name] = c!.id;
    }
    const ev = (customer: string, name: string, at: string, properties: Record<string, unknown> = {}) => ({
      workspaceId: WS,
      eventId: `${customer}-${name}-${at}`,
      customerExternalId: customer,
      customerId: ids[customer]!,
      name,
      properties,
      occurredAt: new Date(at),
    });
    await db
      .insert(events)
      .values([
        ev('complainer', 'complaint', '2026-02-20T00:00:00Z'),
        ev('resolved', 'complaint', '2026-02-10T00:00:00Z'),
        ev('resolved', 'complaint_resolved', '2026-02-12T00:00:00Z'),
        ev('parent', 'purchase', '2022-05-01T00:00:00Z', { category: 'baby_products' }),
        ev('parent', 'purchase', '2023-05-01T00:00:00Z', { category: 'baby_products' }),
      ]);
    // Fading: 9, 5, 2 active days in the three 90-day windows before the last activity.
    const activity: (typeof customerDailyActivity.$inferInsert)[] = [];
    const addDays = (customer: string, endDay: string, n: number) => {
      for (let i = 0; i < n; i++) {
        activity.push({
          workspaceId: WS,
          customerId: ids[customer]!,
          day: new Date(Date.parse(endDay) - i * 86_400_000).toISOString().slice(0, 10),
          activityCount: 1,
        });
      }
    };
    addDays('fading', '2026-03-01', 2);
    addDays('fading', '2025-11-30', 5);
    addDays('fading', '2025-09-01', 9);
    addDays('quiet', '2026-03-01', 3);
    addDays('quiet', '2025-11-30', 3);
    addDays('quiet', '2025-09-01', 3);
    await db.insert(customerDailyActivity).values(activity);

    const counts = await computeDormancyReasons(db, WS, now);
    const stored = await db
      .select({ customerId: customerDormancyReasons.customerId, reason: customerDormancyReasons.reason })
      .from(customerDormancyReasons);
    const reasonOf = (name: string) => stored.find((s) => s.customerId === ids[name])?.reason;
    expect(reasonOf('complainer')).toBe('bad_experience');
    expect(reasonOf('resolved')).toBe('unknown');
    expect(reasonOf('parent')).toBe('need_gone');
    expect(reasonOf('fading')).toBe('natural_decay');
    expect(reasonOf('quiet')).toBe('unknown');
    expect(reasonOf('active')).toBeUndefined();
    expect(counts.bad_experience).toBe(1);
    expect(counts.need_gone).toBe(1);
    expect(counts.natural_decay).toBe(1);
    void runs;
  });
});
