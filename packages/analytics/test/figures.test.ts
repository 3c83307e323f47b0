/**
 * Figures on real PostgreSQL: a hand-built fixture of runs, steps, messages, coupons and events goes through the
 * triggers and `recordConversions`; the rollups and the results (rates, Wilson and Newcombe intervals, lift, cost,
 * LTV) equal values computed by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { EventInput } from '@wakeflow/journey';
import {
  conversions,
  coupons,
  customerDailyActivity,
  customers,
  journeyNodeDailyRollups,
  messages,
  runSteps,
  runs,
  runSummaries,
  type Database,
} from '@wakeflow/db';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { ingestEvents } from '@wakeflow/audience';
import { checkMeasurementSettings, loadJourneyResults, recordConversions, resultsToCsv } from '../src/index';
import { publish, splitJourney } from './helpers';

const WS = 'test';
const DAY = 86_400_000;
const d1 = new Date('2026-01-01T10:00:00Z');
const d2 = new Date('2026-01-02T10:00:00Z');
const at = (base: Date, days: number) => new Date(base.getTime() + days * DAY);

let database: TestDatabase;
let db: Database;
let journeyId: string;
const customerIds: string[] = [];
const runIds: string[] = [];
let eventSeq = 0;

async function ingest(
  events: { customer: number; name: string; at: Date; properties?: Record<string, unknown> }[],
) {
  const inputs: EventInput[] = events.map((e) => ({
    eventId: `fx-${++eventSeq}`,
    customerExternalId: `c${e.customer}`,
    name: e.name,
    properties: e.properties ?? {},
    occurredAt: e.at.toISOString(),
  }));
  const result = await ingestEvents(db, WS, inputs);
  return recordConversions(db, WS, result.accepted);
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  journeyId = await publish(db, WS, splitJourney, {
    holdoutPercent: 20,
    conversion: {
      events: ['purchase', 'store_purchase'],
      window: { amount: 7, unit: 'days' },
      from: 'entry',
    },
  });
  // Customers c1..c10; c3 spent 100 the day before going quiet (2025-10-01).
  for (let i = 1; i <= 10; i++) {
    const [c] = await db
      .insert(customers)
      .values({
        workspaceId: WS,
        externalId: `c${i}`,
        ...(i === 3 ? { lastActivityAt: new Date('2025-10-01T12:00:00Z') } : {}),
      })
      .returning({ id: customers.id });
    customerIds.push(c!.id);
  }
  await db.insert(customerDailyActivity).values({
    workspaceId: WS,
    customerId: customerIds[2]!,
    day: '2025-10-01',
    activityCount: 1,
    purchaseCount: 1,
    spend: 100,
  });
  // Runs r1..r10: r1, r2 in the journey-level holdout; six start on day 1, four on day 2.
  const arms = ['a', 'b', 'a', 'a', 'a', 'b', 'b', 'b', 'a', 'b'];
  for (let i = 1; i <= 10; i++) {
    const [r] = await db
      .insert(runs)
      .values({
        workspaceId: WS,
        workflowId: `wf-${i}`,
        journeyId,
        version: 1,
        customerId: customerIds[i - 1]!,
        entry: 1,
        holdout: i <= 2,
        startedAt: i <= 6 ? d1 : d2,
      })
      .returning({ id: runs.id });
    runIds.push(r!.id);
  }
  // Steps as the activities write them: trigger, split, then the arm's send (the arm is recorded with the next step).
  for (let i = 1; i <= 10; i++) {
    const runId = runIds[i - 1]!;
    const start = i <= 6 ? d1 : d2;
    await db.insert(runSteps).values({
      workspaceId: WS,
      runId,
      nodeId: 't',
      seq: 0,
      enteredAt: start,
      leftAt: start,
      outcome: 'next',
    });
    await db.insert(runSteps).values({ workspaceId: WS, runId, nodeId: 's', seq: 1, enteredAt: start });
    await db
      .update(runSteps)
      .set({ leftAt: start, outcome: arms[i - 1]! })
      .where(eq(runSteps.runId, runId));
    const node = arms[i - 1] === 'a' ? 'email' : 'sms';
    await db.insert(runSteps).values({ workspaceId: WS, runId, nodeId: node, seq: 2, enteredAt: start });
    await db
      .update(runs)
      .set({ arms: { s: arms[i - 1]! }, currentNodeId: node })
      .where(eq(runs.id, runId));
    const held = i <= 2;
    // Messages go in pending and are marked sent later, as the sender does; holdout members' are skipped.
    const [m] = await db
      .insert(messages)
      .values({
        workspaceId: WS,
        idempotencyKey: `${runId}:${node}`,
        runId,
        journeyId,
        nodeId: node,
        customerId: customerIds[i - 1]!,
        channel: node === 'email' ? 'email' : 'sms',
        status: held ? 'skipped' : 'pending',
        reason: held ? 'holdout' : null,
        requestedAt: start,
        costMicros: node === 'email' ? 1_000 : 50_000,
      })
      .returning({ id: messages.id });
    if (!held) await db.update(messages).set({ status: 'sent' }).where(eq(messages.id, m!.id));
  }
  // A failed retry message for r5 costs nothing.
  await db.insert(messages).values({
    workspaceId: WS,
    idempotencyKey: 'r5-failed',
    runId: runIds[4]!,
    journeyId,
    nodeId: 'email',
    customerId: customerIds[4]!,
    channel: 'email',
    status: 'failed',
    requestedAt: d1,
    costMicros: 1_000,
  });
  // r3's coupon (20.00) is redeemed.
  await db.insert(coupons).values({
    workspaceId: WS,
    poolId: 'p',
    code: 'X1',
    valueCents: 2000,
    claimKey: 'wf-3#email',
    customerId: customerIds[2]!,
    claimedAt: d1,
  });
  await db
    .update(coupons)
    .set({ redeemedAt: at(d1, 2) })
    .where(eq(coupons.code, 'X1'));

  await ingest([
    { customer: 3, name: 'purchase', at: at(d1, 2), properties: { amount: 50 } },
    { customer: 4, name: 'purchase', at: at(d1, 9), properties: { amount: 40 } },
    { customer: 6, name: 'store_purchase', at: at(d1, 1), properties: { amount: 20 } },
    { customer: 7, name: 'login', at: at(d2, 1) },
    { customer: 1, name: 'purchase', at: at(d1, 3), properties: { amount: 30 } },
    { customer: 8, name: 'purchase', at: at(d2, 5), properties: { amount: 10 } },
    { customer: 10, name: 'purchase', at: at(d2, -1), properties: { amount: 70 } },
  ]);
  // An offline purchase that happened earlier arrives late: it becomes r8's conversion.
  await ingest([{ customer: 8, name: 'store_purchase', at: at(d2, 2), properties: { amount: 5 } }]);
});

afterAll(async () => {
  await database?.drop();
});

describe('conversions', () => {
  it('records each run’s conversion with its arm and the last message before it', async () => {
    const rows = await db.select().from(conversions);
    const byRun = new Map(rows.map((c) => [c.runId, c]));
    expect([...byRun.keys()].sort()).toEqual([runIds[0]!, runIds[2]!, runIds[5]!, runIds[7]!].sort());
    expect(byRun.get(runIds[2]!)).toMatchObject({ arm: 'a', value: 50 });
    expect(byRun.get(runIds[2]!)!.lastMessageId).not.toBeNull();
    // Holdout member: no message to attribute.
    expect(byRun.get(runIds[0]!)).toMatchObject({ arm: 'a', lastMessageId: null });
    // The late offline event moved r8's conversion to the earlier time.
    expect(byRun.get(runIds[7]!)!.convertedAt.toISOString()).toBe(at(d2, 2).toISOString());
    expect(byRun.get(runIds[7]!)!.value).toBe(5);
  });

  it('is idempotent: the same events again add nothing', async () => {
    const before = await db.select({ n: sql<number>`count(*)::int` }).from(conversions);
    const again = await recordConversions(db, WS, []);
    expect(again.recorded).toBe(0);
    const after = await db.select({ n: sql<number>`count(*)::int` }).from(conversions);
    expect(after).toEqual(before);
  });
});

describe('rollups', () => {
  it('keep one summary per run that matches the run’s arm, messages, cost and conversion', async () => {
    const [s3] = await db.select().from(runSummaries).where(eq(runSummaries.runId, runIds[2]!));
    expect(s3).toMatchObject({
      arm: 'a',
      holdout: false,
      messagesSent: 1,
      costMicros: 1_000,
      couponCents: 2000,
      converted: true,
      spendBefore: 100,
      spendAfterEntry: 50,
      spendAfterConversion: 50,
    });
    const [s8] = await db.select().from(runSummaries).where(eq(runSummaries.runId, runIds[7]!));
    expect(s8).toMatchObject({ spendAfterEntry: 15, spendAfterConversion: 15 });
  });

  it('count reached, left, sent and converted per node', async () => {
    const rows = await db
      .select({
        nodeId: journeyNodeDailyRollups.nodeId,
        reached: sql<number>`sum(reached)::int`,
        left: sql<number>`sum("left")::int`,
        sent: sql<number>`sum(messages_sent)::int`,
        converted: sql<number>`sum(converted)::int`,
      })
      .from(journeyNodeDailyRollups)
      .groupBy(journeyNodeDailyRollups.nodeId);
    const byNode = Object.fromEntries(rows.map((r) => [r.nodeId, r]));
    expect(byNode.t).toMatchObject({ reached: 10, left: 10, sent: 0 });
    expect(byNode.s).toMatchObject({ reached: 10, left: 10 });
    expect(byNode.email).toMatchObject({ reached: 5, left: 0, sent: 4, converted: 1 });
    expect(byNode.sms).toMatchObject({ reached: 5, sent: 4, converted: 2 });
  });
});

describe('results', () => {
  it('overall figures equal the hand-computed ones', async () => {
    const r = (await loadJourneyResults(db, WS, journeyId, { groupBy: 'arm' }))!;
    const { treatment, holdout, lift, all } = r.overall;
    expect(all.entered).toBe(10);
    expect(treatment).toMatchObject({ entered: 8, converted: 3, messaged: 8, messagesSent: 8 });
    expect(treatment.rate).toBe(0.375);
    expect(treatment.rateInterval![0]).toBeCloseTo(0.136844285823597, 12);
    expect(treatment.rateInterval![1]).toBeCloseTo(0.694257605397373, 12);
    expect(holdout).toMatchObject({ entered: 2, converted: 1, messaged: 0 });
    expect(holdout!.rateInterval![0]).toBeCloseTo(0.094531205734231, 12);
    // Cost: 4 emails × 0.001 + 4 SMS × 0.05 + one 20.00 coupon.
    expect(treatment.cost.messages).toBeCloseTo(0.204, 12);
    expect(treatment.cost.coupons).toBe(20);
    expect(treatment.costPerReactivation).toBeCloseTo(20.204 / 3, 12);
    expect(lift!.absoluteLift).toBeCloseTo(-0.125, 12);
    expect(lift!.absoluteLiftInterval![0]).toBeCloseTo(-0.595237267045275, 12);
    expect(lift!.absoluteLiftInterval![1]).toBeCloseTo(0.391072050907043, 12);
    expect(lift!.relativeLift).toBeCloseTo(-0.25, 12);
    expect(lift!.relativeLiftInterval![0]).toBeCloseTo(-0.855898528954553, 12);
    expect(lift!.relativeLiftInterval![1]).toBeCloseTo(2.903499359993323, 12);
    expect(lift!.incrementalReactivations).toBeCloseTo(-1, 12);
    expect(lift!.costPerIncrementalReactivation).toBeNull();
    // LTV: reactivated r3, r6, r8 spent 50 + 20 + 15 after converting; r3 had spent 100 before going quiet.
    expect(treatment.ltv.spendAfterPerReactivated).toBeCloseTo(85 / 3, 12);
    expect(treatment.ltv.spendBeforePerReactivated).toBeCloseTo(100 / 3, 12);
    expect(treatment.ltv.upliftPerReactivated).toBeCloseTo(-5, 12);
    // Spend after entry per entrant: (50 + 40 + 20 + 15) / 8 against 30 / 2.
    expect(lift!.spendAfterEntryDifference).toBeCloseTo(125 / 8 - 15, 12);
  });

  it('groups by arm, day and node', async () => {
    const byArm = (await loadJourneyResults(db, WS, journeyId, { groupBy: 'arm' }))!.groups;
    const arm = (name: string, holdout: boolean) =>
      byArm.find((g) => g.arm === name && g.holdout === holdout)!;
    expect(arm('a', false).figures).toMatchObject({ entered: 4, converted: 1 });
    expect(arm('b', false).figures).toMatchObject({ entered: 4, converted: 2 });
    expect(arm('a', true).figures).toMatchObject({ entered: 1, converted: 1 });
    expect(arm('b', false).lift!.absoluteLift).toBeCloseTo(0.5 - 0.5, 12);
    const byDay = (await loadJourneyResults(db, WS, journeyId, { groupBy: 'day' }))!.groups;
    expect(byDay.map((g) => [g.day, g.figures.entered, g.figures.converted])).toEqual([
      ['2026-01-01', 6, 3],
      ['2026-01-02', 4, 1],
    ]);
    const byNode = (await loadJourneyResults(db, WS, journeyId, { groupBy: 'node' }))!.nodes!;
    expect(byNode.find((n) => n.nodeId === 'sms')).toMatchObject({
      reached: 5,
      atNode: 5,
      messagesSent: 4,
      converted: 2,
    });
    const filtered = (await loadJourneyResults(db, WS, journeyId, {
      groupBy: 'arm',
      version: 1,
      from: '2026-01-02',
    }))!;
    expect(filtered.overall.all.entered).toBe(4);
  });

  it('exports CSV with the same figures', async () => {
    const csv = resultsToCsv((await loadJourneyResults(db, WS, journeyId, { groupBy: 'arm' }))!);
    const [header, total] = csv.split('\r\n');
    expect(header!.split(',').slice(0, 8)).toEqual([
      'group',
      'day',
      'arm',
      'holdout',
      'entered',
      'messaged',
      'messages_sent',
      'converted',
    ]);
    expect(total!.split(',').slice(0, 8)).toEqual(['total', '', '', '', '10', '8', '8', '4']);
  });

  it('is scoped to the workspace', async () => {
    expect(await loadJourneyResults(db, 'other', journeyId, { groupBy: 'arm' })).toBeNull();
  });
});

describe('window from the first message', () => {
  it('anchors holdout members at the message they would have got, and ignores events before it', async () => {
    const jid = await publish(db, WS, splitJourney, {
      holdoutPercent: 50,
      conversion: { events: ['purchase'], window: { amount: 2, unit: 'days' }, from: 'first_message' },
    });
    const [c] = await db
      .insert(customers)
      .values({ workspaceId: WS, externalId: 'fm1' })
      .returning({ id: customers.id });
    const t0 = new Date('2026-02-01T00:00:00Z');
    const [r] = await db
      .insert(runs)
      .values({
        workspaceId: WS,
        workflowId: 'wf-fm1',
        journeyId: jid,
        version: 1,
        customerId: c!.id,
        entry: 1,
        holdout: true,
        startedAt: t0,
      })
      .returning({ id: runs.id });
    await db.insert(messages).values({
      workspaceId: WS,
      idempotencyKey: 'fm1',
      runId: r!.id,
      journeyId: jid,
      nodeId: 'email',
      customerId: c!.id,
      channel: 'email',
      status: 'skipped',
      reason: 'holdout',
      requestedAt: at(t0, 3),
    });
    const inputs: EventInput[] = [
      {
        eventId: 'fm-early',
        customerExternalId: 'fm1',
        name: 'purchase',
        properties: {},
        occurredAt: at(t0, 1).toISOString(),
      },
      {
        eventId: 'fm-late',
        customerExternalId: 'fm1',
        name: 'purchase',
        properties: {},
        occurredAt: at(t0, 6).toISOString(),
      },
    ];
    await recordConversions(db, WS, (await ingestEvents(db, WS, inputs)).accepted);
    expect(await db.select().from(conversions).where(eq(conversions.runId, r!.id))).toHaveLength(0);
    await recordConversions(
      db,
      WS,
      (
        await ingestEvents(db, WS, [
          {
            eventId: 'fm-in',
            customerExternalId: 'fm1',
            name: 'purchase',
            properties: {},
            occurredAt: at(t0, 4).toISOString(),
          },
        ])
      ).accepted,
    );
    expect(await db.select().from(conversions).where(eq(conversions.runId, r!.id))).toHaveLength(1);
  });
});

describe('measurement settings', () => {
  it('refuses a window of 0, an unknown event and a holdout of 100%', async () => {
    const problems = await checkMeasurementSettings(db, WS, {
      holdoutPercent: 100,
      conversion: { events: ['purchase'], window: { amount: 0, unit: 'days' } },
    });
    expect(problems.map((p) => [p.path, p.message])).toEqual(
      expect.arrayContaining([
        ['settings.holdoutPercent', 'Must be below 100: a journey needs somebody to message'],
        ['settings.conversion.window.amount', 'Must be more than 0'],
      ]),
    );
    const unknown = await checkMeasurementSettings(db, WS, {
      conversion: { events: ['purchase', 'purchse'], window: { amount: 7, unit: 'days' } },
    });
    expect(unknown).toEqual([
      {
        code: 'invalid_settings',
        path: 'settings.conversion.events.1',
        message: 'No event “purchse” has been received in this workspace; check the name or send one first',
      },
    ]);
    // An event the workspace has sent is known.
    await ingestEvents(db, WS, [
      {
        eventId: 'custom-1',
        customerExternalId: 'c1',
        name: 'renewal',
        properties: {},
        occurredAt: d1.toISOString(),
      },
    ]).then((r) => recordConversions(db, WS, r.accepted));
    expect(
      await checkMeasurementSettings(db, WS, {
        conversion: { events: ['renewal'], window: { amount: 7, unit: 'days' } },
      }),
    ).toEqual([]);
  });
});
