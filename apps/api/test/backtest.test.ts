/**
 * Backtests on real PostgreSQL, through the API: a five-customer history whose entries, paths and natural returns
 * are worked out by hand below, bad input named by field, and the CDNOW demo cross-checked against an independent
 * SQL query of who the trigger matched on some day.
 *
 * The hand-checked journey: audience trigger "no login for 30 days" (a login ever, none in the last 30 days) → email
 * → wait up to 7 days for a login or purchase → exit; re-entry after 30 days; no holdout. The trigger is evaluated
 * at the end of each UTC day (23:59:59.999) from 2026-01-01 to 2026-02-28.
 *   A: login 2025-11-01. Matches on 01-01 → enters, times out 01-08; 30 days later (01-31) enters again, times out.
 *   B: login 2025-12-20 12:00. No login in 30 days from 01-19 → enters; logs in 01-22 → back (natural return). Next
 *      entry needs 30 days since the entry (02-18) and since the login (02-21 10:00) → enters 02-21, times out 02-28.
 *   C: logs in every 10 days → never 30 days without a login → never enters.
 *   D: only purchases, never a login → the trigger needs a login ever → never enters.
 *   E: login 2025-10-01; enters 01-01; buys 01-05 → back; enters again 01-31 (no login since), times out.
 * Entries: 01-01 A E, 01-19 B, 01-31 A E, 02-21 B = 6 entries of 3 customers; the wait reached 6 times, 2 returns.
 * Dormancy stage at entry (days since the last activity): A 61 → 1–3 m, then 91 → 3–6 m; B 30.5 → 1–3 m, then
 * 30 → 1–3 m; E 92 → 3–6 m, then 26 (the purchase) → active.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { journeys, providers, publishJourneyDraft, segments, templates } from '@wakeflow/db';
import { ingestEvents, upsertCustomers } from '@wakeflow/audience';
import { backtestReportSchema, type BacktestReport } from '@wakeflow/contracts';
import { createCatalog, runBacktest } from '@wakeflow/catalog';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { EventInput } from '@wakeflow/journey';
import type { createApp } from '../src/app';
import { seedDemo } from '../src/demo/seed';
import { createBenchApp } from './support/bench-app';

const noLogin30d = {
  kind: 'and',
  conditions: [
    { kind: 'event', event: 'login', window: { type: 'ever' }, count: { op: 'gte', value: 1 } },
    {
      kind: 'event',
      event: 'login',
      window: { type: 'last', duration: { amount: 30, unit: 'days' } },
      count: { op: 'eq', value: 0 },
    },
  ],
};

const graph = {
  nodes: [
    { id: 'trigger', type: 'audience_trigger', config: { segmentId: 'no-login-30d', everyMinutes: 1440 } },
    { id: 'mail', type: 'send', name: 'Gift', config: { channel: 'email', templateId: 'gift' } },
    {
      id: 'wait',
      type: 'wait_for_event',
      config: { events: [{ event: 'login' }, { event: 'purchase' }], timeout: { amount: 7, unit: 'days' } },
    },
    { id: 'back_login', type: 'exit', config: { outcome: 'reactivated' } },
    { id: 'back_purchase', type: 'exit', config: { outcome: 'reactivated' } },
    { id: 'gone', type: 'exit', config: { outcome: 'still_dormant' } },
  ],
  edges: [
    { source: 'trigger', outcome: 'next', target: 'mail' },
    { source: 'mail', outcome: 'next', target: 'wait' },
    { source: 'wait', outcome: 'login', target: 'back_login' },
    { source: 'wait', outcome: 'purchase', target: 'back_purchase' },
    { source: 'wait', outcome: 'timeout', target: 'gone' },
  ],
};

let n = 0;
const event = (
  customer: string,
  name: string,
  at: string,
  properties: Record<string, unknown> = {},
): EventInput => ({
  eventId: `e${++n}`,
  customerExternalId: customer,
  name,
  properties,
  occurredAt: at,
});

describe('backtest API', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;
  let journeyId: string;
  const db = () => bench.database.db;

  beforeAll(async () => {
    bench = await createJourneyBench();
    app = createBenchApp(bench);
    await db().insert(templates).values({
      workspaceId: 'test',
      id: 'gift',
      channel: 'email',
      name: 'Gift',
      subject: 'A gift',
      body: 'Come back',
    });
    await db()
      .insert(segments)
      .values({ workspaceId: 'test', id: 'no-login-30d', name: 'No login 30 d', definition: noLogin30d });
    await db().insert(providers).values({
      workspaceId: 'test',
      id: 'mail',
      channel: 'email',
      kind: 'smtp',
      unitCostMicros: 1_000,
      isDefault: true,
    });
    await upsertCustomers(
      db(),
      'test',
      ['A', 'B', 'C', 'D', 'E'].map((id) => ({
        externalId: id,
        email: `${id.toLowerCase()}@example.com`,
        timezone: 'UTC',
        consent: { email: true },
      })),
    );
    const tenDays = Array.from({ length: 8 }, (_, i) =>
      event('C', 'login', new Date(Date.UTC(2025, 11, 15) + i * 10 * 86_400_000).toISOString()),
    );
    await ingestEvents(db(), 'test', [
      event('A', 'login', '2025-11-01T12:00:00Z'),
      event('B', 'login', '2025-12-20T12:00:00Z'),
      event('B', 'login', '2026-01-22T10:00:00Z'),
      ...tenDays,
      event('D', 'purchase', '2025-12-01T12:00:00Z', { amount: 10 }),
      event('D', 'purchase', '2026-01-10T12:00:00Z', { amount: 10 }),
      event('E', 'login', '2025-10-01T12:00:00Z'),
      event('E', 'purchase', '2026-01-05T12:00:00Z', { amount: 25 }),
    ]);
    const [journey] = await db()
      .insert(journeys)
      .values({
        workspaceId: 'test',
        name: 'Hand-checked win-back',
        draftGraph: graph,
        draftSettings: { reentry: { mode: 'after', duration: { amount: 30, unit: 'days' } } },
      })
      .returning({ id: journeys.id });
    journeyId = journey!.id;
    await publishJourneyDraft(db(), bench.catalog, { workspaceId: 'test', journeyId, publishedBy: 'test' });
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('reports the hand-checked entries, paths, messages, cost and natural returns', async () => {
    const res = await request(app)
      .post(`/api/journeys/${journeyId}/backtest`)
      .send({ from: '2026-01-01', to: '2026-02-28' });
    expect(res.status).toBe(200);
    const report: BacktestReport = backtestReportSchema.parse(res.body);
    expect(report.customers).toBe(5);
    expect(report.entries).toEqual({
      total: 6,
      customers: 3,
      holdout: 0,
      byDay: [
        { day: '2026-01-01', entered: 2 },
        { day: '2026-01-19', entered: 1 },
        { day: '2026-01-31', entered: 2 },
        { day: '2026-02-21', entered: 1 },
      ],
    });
    expect(report.runs).toEqual({ open: 0, failed: 0 });
    expect(report.outcomes).toEqual([
      { outcome: 'still_dormant', runs: 4, share: 4 / 6 },
      { outcome: 'reactivated', runs: 2, share: 2 / 6 },
    ]);
    const reached = Object.fromEntries(report.steps.map((s) => [s.stepId, s.runs]));
    expect(reached).toEqual({ mail: 6, wait: 6, back_login: 1, back_purchase: 1, gone: 4 });
    expect(report.messages).toEqual([
      { channel: 'email', sent: 6, heldOut: 0, skipped: 0, deferrals: 0, unitCost: 0.001, cost: 0.006 },
    ]);
    expect(report.cost.total).toBeCloseTo(0.006);
    const [wait] = report.naturalReturn;
    expect(wait).toMatchObject({ stepId: 'wait', reached: 6, returned: 2, timedOut: 4, rate: 2 / 6 });
    expect(wait!.byDormancyStage).toEqual([
      { key: 'active', reached: 1, returned: 0, rate: 0 },
      { key: 'dormant_1_3m', reached: 3, returned: 1, rate: 1 / 3 },
      { key: 'dormant_3_6m', reached: 2, returned: 1, rate: 0.5 },
    ]);
    expect(wait!.byValueTier).toEqual([{ key: 'none', reached: 6, returned: 2, rate: 2 / 6 }]);
    expect(report.notes.fieldsWithoutHistory).toContain('traits');
    expect(report.evaluation.reentry).toEqual({ mode: 'after', duration: { amount: 30, unit: 'days' } });
  });

  it('names the field of bad input, and answers 404 for an unknown journey', async () => {
    const backwards = await request(app)
      .post(`/api/journeys/${journeyId}/backtest`)
      .send({ from: '2026-02-01', to: '2026-01-01' });
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toContain('body.to');
    const notADate = await request(app)
      .post(`/api/journeys/${journeyId}/backtest`)
      .send({ from: 'yesterday', to: '2026-01-01' });
    expect(notADate.status).toBe(400);
    expect(JSON.stringify(notADate.body)).toContain('body.from');
    const unknown = await request(app)
      .post('/api/journeys/00000000-0000-4000-8000-000000000000/backtest')
      .send({ from: '2026-01-01', to: '2026-01-02' });
    expect(unknown.status).toBe(404);
  });

  it('agrees with an independent SQL query on the CDNOW demo: who matched on some day, and the first day', async () => {
    const seeded = await seedDemo({
      db: db(),
      catalog: createCatalog(),
      workspaceId: 'cdnow',
      customers: 150,
      today: new Date('2026-06-30T12:00:00Z'),
    });
    const from = '2025-03-01';
    const to = '2025-12-31';
    const report = await runBacktest(db(), {
      workspaceId: 'cdnow',
      journeyId: seeded.journeyId,
      from,
      to,
      nowMs: Date.parse('2026-06-30T12:00:00Z'),
    });
    // The trigger written by hand: a login at or before the end of the day, none in the 30 days before it.
    const independent = await db().execute<{ first_day: number; some_day: number }>(sql`
      with days as (
        select d + interval '1 day' - interval '1 millisecond' as at, d::date as day
        from generate_series(${from}::date, ${to}::date, interval '1 day') d
      ),
      matched as (
        select c.id, days.day from customers c cross join days
        where c.workspace_id = 'cdnow'
          and exists (select 1 from events e where e.customer_id = c.id and e.name = 'login' and e.occurred_at <= days.at)
          and not exists (select 1 from events e where e.customer_id = c.id and e.name = 'login'
            and e.occurred_at <= days.at and e.occurred_at > days.at - interval '30 days')
      )
      select (select count(*)::int from matched where day = ${from}::date) as first_day,
        (select count(distinct id)::int from matched) as some_day`);
    const expected = independent.rows[0]!;
    expect(expected.some_day).toBeGreaterThan(0);
    // Everybody matching on the first day enters (no one has entered before), and with re-entry after 90 days
    // everybody who matches on some day enters at least once.
    expect(report.entries.byDay[0]).toEqual({ day: from, entered: expected.first_day });
    expect(report.entries.customers).toBe(expected.some_day);
  });

  it('gives the same report whether the event log comes in one page or in pages of a few events', async () => {
    const today = new Date('2026-06-30T12:00:00Z');
    const { journeyId: cdnowJourney } = await seedDemo({
      db: db(),
      catalog: createCatalog(),
      workspaceId: 'cdnow',
      customers: 150,
      today,
    });
    const input = {
      workspaceId: 'cdnow',
      journeyId: cdnowJourney,
      from: '2025-01-01',
      to: '2026-03-31',
      nowMs: today.getTime(),
    };
    const oneChunk = await runBacktest(db(), { ...input, pageSize: 1_000_000 });
    // Pages of 7 events: a day's events, a run's events and the events before the window all span pages.
    const smallPages = await runBacktest(db(), { ...input, pageSize: 7 });
    expect(oneChunk.entries.total).toBeGreaterThan(50);
    expect(oneChunk.messages.reduce((n, m) => n + m.sent, 0)).toBeGreaterThan(50);
    expect(oneChunk.naturalReturn[0]!.returned).toBeGreaterThan(0);
    expect({ ...smallPages, tookMs: 0 }).toEqual({ ...oneChunk, tookMs: 0 });
    await expect(runBacktest(db(), { ...input, pageSize: 0 })).rejects.toMatchObject({ field: 'pageSize' });
  });

  it('gives the same report with the trigger evaluated in memory as with its SQL each day', async () => {
    const today = new Date('2026-06-30T12:00:00Z');
    const { journeyId: cdnowJourney } = await seedDemo({
      db: db(),
      catalog: createCatalog(),
      workspaceId: 'cdnow',
      customers: 150,
      today,
    });
    const both = async () => {
      const input = { workspaceId: 'cdnow', journeyId: cdnowJourney, from: '2025-01-01', to: '2026-03-31' };
      const inMemory = await runBacktest(db(), { ...input, nowMs: today.getTime() });
      const inSql = await runBacktest(db(), { ...input, nowMs: today.getTime(), inMemory: false });
      expect(inMemory.evaluation.method).toMatch(/^in memory/);
      expect(inSql.evaluation.method).toMatch(/SQL/);
      const comparable = (r: BacktestReport) => ({
        ...r,
        tookMs: 0,
        evaluation: { ...r.evaluation, method: '' },
      });
      expect(comparable(inMemory)).toEqual(comparable(inSql));
      return inMemory;
    };
    // The canonical trigger (two event leaves).
    expect((await both()).entries.total).toBeGreaterThan(50);
    // Facts, a static tier leaf, a filtered event count, dormancy stages and a negated segment-free subtree.
    await db()
      .update(segments)
      .set({
        definition: {
          kind: 'or',
          conditions: [
            {
              kind: 'and',
              conditions: [
                { kind: 'trait', field: 'facts.daysSinceLastPurchase', op: 'gte', value: 45 },
                { kind: 'trait', field: 'facts.purchaseCount', op: 'gte', value: 2 },
                { kind: 'trait', field: 'facts.valueTier', op: 'in', value: ['high', 'mid'] },
              ],
            },
            {
              kind: 'and',
              conditions: [
                {
                  kind: 'event',
                  event: 'purchase',
                  filters: [{ path: 'amount', op: 'gte', value: 30 }],
                  window: { type: 'last', duration: { amount: 120, unit: 'days' } },
                  count: { op: 'gte', value: 1 },
                },
                {
                  kind: 'trait',
                  field: 'facts.dormancyStage',
                  op: 'in',
                  value: ['dormant_1_3m', 'dormant_3_6m'],
                },
                {
                  kind: 'not',
                  condition: { kind: 'trait', field: 'facts.totalSpend', op: 'lt', value: 40.5 },
                },
              ],
            },
          ],
        },
      })
      .where(sql`workspace_id = 'cdnow' and id = 'no-login-30d'`);
    expect((await both()).entries.total).toBeGreaterThan(20);
  });
});
