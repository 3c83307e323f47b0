/**
 * Churn risk, predicted value, dormancy reasons and the article's rule trigger as segment facts (issue 8 item 5,
 * S-ID-7), on real PostgreSQL: each fixture value is hand-computed, the segments are compiled and previewed by the
 * audience's own code, and a journey branch (the condition evaluator) agrees with the segment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  createConditionEvaluator,
  defaultAudienceSettings,
  ingestEvents,
  listConditionFields,
  previewSegment,
  resolveField,
  upsertCustomers,
} from '@wakeflow/audience';
import { customerDormancyReasons, customerPredictions, customers, type Database } from '@wakeflow/db';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '@wakeflow/db/testing';
import type { Condition, EventInput } from '@wakeflow/journey';
import { rankPredictedClv } from '../src/index';

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database?.drop();
});

async function idsOf(externalIds: string[]): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: customers.id, externalId: customers.externalId })
    .from(customers)
    .where(and(eq(customers.workspaceId, WS), inArray(customers.externalId, externalIds)));
  return new Map(rows.map((r) => [r.externalId, r.id]));
}

/** The value of a fact for each customer, through the same field definitions the compiler uses. */
async function factValues(
  field: string,
  now: string,
  externalIds: string[],
): Promise<Record<string, number | string | null>> {
  const resolved = resolveField(field);
  if (typeof resolved === 'string' || resolved.kind !== 'known') throw new Error(String(resolved));
  const expr = resolved.def.expr({ now, settings: defaultAudienceSettings });
  const rows = await db.execute<{ external_id: string; v: string | number | null }>(
    sql`select external_id, ${expr} as v from customers where workspace_id = ${WS} and external_id = any(${sql.param(externalIds)}::text[])`,
  );
  return Object.fromEntries(
    rows.rows.map((r) => [
      r.external_id,
      r.v === null ? null : typeof r.v === 'string' && !/^-?[\d.]+$/.test(r.v) ? r.v : Number(r.v),
    ]),
  );
}

const preview = async (definition: Condition, now?: Date) => {
  const p = await previewSegment(db, WS, definition, { ...(now ? { now } : {}), sampleSize: 100 });
  return { count: p.count, members: p.sample.map((s) => s.externalId).sort() };
};

describe('churn risk and predicted value as segment facts', () => {
  // Ten buyers: CLV 100, 90, …, 10 (risk-1 has 100); P(alive) alternating low / high.
  const pAlive = [0.1, 0.8, 0.25, 0.9, 0.05, 0.5, 0.2, 0.95, 0.29, 0.7];
  const externalIds = pAlive.map((_, i) => `risk-${i + 1}`);

  beforeAll(async () => {
    await upsertCustomers(
      db,
      WS,
      [...externalIds, 'risk-none'].map((externalId) => ({ externalId })),
    );
    const ids = await idsOf(externalIds);
    await db.insert(customerPredictions).values(
      externalIds.map((externalId, i) => ({
        customerId: ids.get(externalId)!,
        workspaceId: WS,
        modelId: 1,
        pAlive: pAlive[i]!,
        expectedPurchases: 2 - i * 0.1,
        horizonDays: 90,
        expectedOrderValue: 10,
        predictedClv: 100 - i * 10,
        computedAt: new Date(),
      })),
    );
    // Ties share the larger share: a second customer at CLV 90 would make both "top 30%".
    await rankPredictedClv(db, WS);
  });

  it('ranks predicted CLV as “top N%” of the workspace', async () => {
    const values = await factValues('facts.predictedClvTopPercent', new Date().toISOString(), externalIds);
    expect(externalIds.map((e) => values[e])).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    const clv = await factValues('facts.predictedClv', new Date().toISOString(), [
      ...externalIds,
      'risk-none',
    ]);
    expect(clv['risk-1']).toBe(100);
    expect(clv['risk-none']).toBeNull();
  });

  it('“P(active) < 0.3 and predicted CLV in the top 20%” compiles and previews to the hand-picked customers', async () => {
    const definition: Condition = {
      kind: 'and',
      conditions: [
        { kind: 'trait', field: 'facts.pAlive', op: 'lt', value: 0.3 },
        { kind: 'trait', field: 'facts.predictedClvTopPercent', op: 'lte', value: 20 },
      ],
    };
    // Top 20% = risk-1 (CLV 100, p 0.1) and risk-2 (CLV 90, p 0.8): only risk-1 is also at risk.
    expect(await preview(definition)).toEqual({ count: 1, members: ['risk-1'] });
    // Top 50% at risk: risk-1 (0.1), risk-3 (0.25), risk-5 (0.05).
    expect(
      await preview({
        ...definition,
        conditions: [
          definition.conditions[0]!,
          { kind: 'trait', field: 'facts.predictedClvTopPercent', op: 'lte', value: 50 },
        ],
      }),
    ).toEqual({
      count: 3,
      members: ['risk-1', 'risk-3', 'risk-5'],
    });
    // Absolute thresholds, and a customer without a prediction is in neither "p < 0.3" nor "p ≥ 0.3".
    expect(
      await preview({ kind: 'trait', field: 'facts.expectedPurchases', op: 'gte', value: 1.75 }),
    ).toEqual({ count: 3, members: ['risk-1', 'risk-2', 'risk-3'] });
    expect((await preview({ kind: 'trait', field: 'facts.pAlive', op: 'gte', value: 0.3 })).count).toBe(5);
    expect((await preview({ kind: 'trait', field: 'facts.pAlive', op: 'not_exists' })).members).toEqual([
      'risk-none',
    ]);
    // A branch decides the same way for one customer.
    const ids = await idsOf(['risk-1', 'risk-2']);
    const evaluator = createConditionEvaluator(db);
    const now = new Date().toISOString();
    expect(
      await evaluator.matches({
        workspaceId: WS,
        customerId: ids.get('risk-1')!,
        condition: definition,
        enteredAt: now,
        now,
      }),
    ).toBe(true);
    expect(
      await evaluator.matches({
        workspaceId: WS,
        customerId: ids.get('risk-2')!,
        condition: definition,
        enteredAt: now,
        now,
      }),
    ).toBe(false);
  });

  it('dormancy reason is an enum fact', async () => {
    const ids = await idsOf(['risk-1', 'risk-2', 'risk-3']);
    await db.insert(customerDormancyReasons).values([
      { customerId: ids.get('risk-1')!, workspaceId: WS, reason: 'bad_experience', computedAt: new Date() },
      { customerId: ids.get('risk-2')!, workspaceId: WS, reason: 'natural_decay', computedAt: new Date() },
      { customerId: ids.get('risk-3')!, workspaceId: WS, reason: 'need_gone', computedAt: new Date() },
    ]);
    expect(
      await preview({ kind: 'trait', field: 'facts.dormancyReason', op: 'eq', value: 'bad_experience' }),
    ).toEqual({ count: 1, members: ['risk-1'] });
    expect(
      await preview({
        kind: 'trait',
        field: 'facts.dormancyReason',
        op: 'in',
        value: ['natural_decay', 'need_gone'],
      }),
    ).toEqual({ count: 2, members: ['risk-2', 'risk-3'] });
    // Not "bad experience" includes customers without a reason (not dormant).
    expect(
      (
        await preview({
          kind: 'not',
          condition: { kind: 'trait', field: 'facts.dormancyReason', op: 'eq', value: 'bad_experience' },
        })
      ).count,
    ).toBe(10);
    await expect(
      previewSegment(db, WS, { kind: 'trait', field: 'facts.dormancyReason', op: 'eq', value: 'bored' }),
    ).rejects.toThrow('Choose one of bad_experience, need_gone, natural_decay, unknown');
    await expect(
      previewSegment(db, WS, { kind: 'trait', field: 'facts.dormancyReason', op: 'gt', value: 'unknown' }),
    ).rejects.toThrow('can only be compared with equals');
  });
});

describe('the article’s rule trigger: login frequency down 50% and browse depth down 30% against the previous window', () => {
  const now = new Date('2026-06-30T12:00:00Z');
  // Last window: UTC days 2026-06-01 … 06-30; previous: 2026-05-02 … 05-31.
  const last = (day: number) => `2026-06-${String(day).padStart(2, '0')}T10:00:00Z`;
  const prev = (day: number) => `2026-05-${String(day).padStart(2, '0')}T10:00:00Z`;
  let seq = 0;
  const login = (who: string, at: string): EventInput => ({
    eventId: `l-${++seq}`,
    customerExternalId: who,
    name: 'login',
    occurredAt: at,
    properties: {},
  });
  const view = (who: string, at: string, browseDepth: unknown): EventInput => ({
    eventId: `v-${++seq}`,
    customerExternalId: who,
    name: 'session',
    occurredAt: at,
    properties: { browseDepth },
  });
  const logins = (who: string, at: (d: number) => string, n: number) =>
    Array.from({ length: n }, (_, i) => login(who, at(3 + i)));
  const who = ['trend-1', 'trend-2', 'trend-3', 'trend-4', 'trend-5'];

  beforeAll(async () => {
    await upsertCustomers(
      db,
      WS,
      who.map((externalId) => ({ externalId })),
    );
    await ingestEvents(db, WS, [
      // trend-1: logins 10 → 4 (−60%); depth 5, 5, 6 (mean 16/3) → 2, 4 (mean 3): −43.75%. Matches.
      ...logins('trend-1', prev, 10),
      ...logins('trend-1', last, 4),
      view('trend-1', prev(5), 5),
      view('trend-1', prev(6), 5),
      view('trend-1', prev(7), 6),
      view('trend-1', last(5), 2),
      view('trend-1', last(6), 4),
      // trend-2: logins 10 → 6 (−40%): not enough of a drop; depth 5 → 2 (−60%).
      ...logins('trend-2', prev, 10),
      ...logins('trend-2', last, 6),
      view('trend-2', prev(5), 5),
      view('trend-2', last(5), 2),
      // trend-3: logins 8 → 2 (−75%); depth 6 → 5 (−16.67%): browsing holds up. A non-number depth is ignored.
      ...logins('trend-3', prev, 8),
      ...logins('trend-3', last, 2),
      view('trend-3', prev(5), 6),
      view('trend-3', last(5), 5),
      view('trend-3', last(6), 'deep'),
      // trend-4: logins 4 → 0 (−100%), browsed 4 on the last day of the previous window, nothing since (−100%).
      // The boundary: 2026-05-31T23:30Z is the previous window, 2026-06-01T00:30Z would be the last.
      ...logins('trend-4', prev, 4),
      view('trend-4', '2026-05-31T23:30:00Z', 4),
      // trend-5: no logins before (no change to measure), 3 now.
      ...logins('trend-5', last, 3),
      view('trend-5', last(5), 1),
    ]);
  });

  it('computes the facts for each customer by hand-checked values', async () => {
    const at = now.toISOString();
    expect(await factValues('facts.logins_30d', at, who)).toEqual({
      'trend-1': 4,
      'trend-2': 6,
      'trend-3': 2,
      'trend-4': 0,
      'trend-5': 3,
    });
    expect(await factValues('facts.loginsPrev_30d', at, who)).toEqual({
      'trend-1': 10,
      'trend-2': 10,
      'trend-3': 8,
      'trend-4': 4,
      'trend-5': 0,
    });
    expect(await factValues('facts.loginsChange_30d', at, who)).toEqual({
      'trend-1': -60,
      'trend-2': -40,
      'trend-3': -75,
      'trend-4': -100,
      'trend-5': null,
    });
    expect(await factValues('facts.browseDepth_30d', at, who)).toEqual({
      'trend-1': 3,
      'trend-2': 2,
      'trend-3': 5,
      'trend-4': null,
      'trend-5': 1,
    });
    const prevDepth = await factValues('facts.browseDepthPrev_30d', at, who);
    expect(prevDepth['trend-1']).toBeCloseTo(16 / 3, 10);
    expect({ ...prevDepth, 'trend-1': 0 }).toEqual({
      'trend-1': 0,
      'trend-2': 5,
      'trend-3': 6,
      'trend-4': 4,
      'trend-5': null,
    });
    const change = await factValues('facts.browseDepthChange_30d', at, who);
    expect(change['trend-1']).toBeCloseTo(-43.75, 10);
    expect(change['trend-3']).toBeCloseTo((100 * (5 - 6)) / 6, 10);
    expect([change['trend-2'], change['trend-4'], change['trend-5']]).toEqual([-60, -100, null]);
    // The other rollup measures have the same pair of windows.
    expect(await factValues('facts.activeDaysPrev_30d', at, ['trend-1'])).toEqual({ 'trend-1': 10 });
    expect(await factValues('facts.activeDaysChange_30d', at, ['trend-1'])).toEqual({ 'trend-1': -60 });
  });

  it('a churn-risk segment expresses it, and the segment builder offers the fields', async () => {
    const rule: Condition = {
      kind: 'and',
      conditions: [
        { kind: 'trait', field: 'facts.loginsChange_30d', op: 'lte', value: -50 },
        { kind: 'trait', field: 'facts.browseDepthChange_30d', op: 'lte', value: -30 },
      ],
    };
    expect(await preview(rule, now)).toEqual({ count: 2, members: ['trend-1', 'trend-4'] });
    // Four days later the windows have moved on: trend-1's logins of June 3 and 4 left the last window (now June 5 …
    // July 4) and joined the previous one.
    const later = new Date('2026-07-04T12:00:00Z').toISOString();
    expect(await factValues('facts.logins_30d', later, ['trend-1'])).toEqual({ 'trend-1': 2 });
    expect(await factValues('facts.loginsPrev_30d', later, ['trend-1'])).toEqual({ 'trend-1': 9 });
    const fields = listConditionFields(defaultAudienceSettings).map((f) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'facts.pAlive',
        'facts.expectedPurchases',
        'facts.predictedClv',
        'facts.predictedClvTopPercent',
        'facts.dormancyReason',
        'facts.loginsChange_30d',
        'facts.browseDepthChange_30d',
        'facts.browseDepth_90d',
      ]),
    );
    expect(typeof resolveField('facts.logins_0d')).toBe('string');
    expect(typeof resolveField('facts.loginsLast_30d')).toBe('string');
  });
});
