/**
 * Segment SQL for every condition kind, on four customers whose matches are known by construction, evaluated at a
 * fixed `NOW`. Also: segments inside segments, cycles, invalid trees, the branch-step evaluator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '@wakeflow/db/testing';
import { customers } from '@wakeflow/db';
import type { Condition } from '@wakeflow/journey';
import type { ConditionEvaluator } from '@wakeflow/nodes';
import {
  ConditionInvalidError,
  createConditionEvaluator,
  createSegment,
  deleteSegment,
  ingestEvents,
  previewSegment,
  updateSegment,
  upsertCustomers,
} from '../src/index';
import { daysAgo, event } from './helpers';

// 23:30 UTC: already the next day in Berlin, still the same day in New York.
const NOW = new Date('2026-05-31T23:30:00Z');
const ago = (days: number) => daysAgo(days, NOW);

let t: TestDatabase;
const idOf: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase({ workspaceIds: [WS, 'other'] });
  const upserted = await upsertCustomers(t.db, WS, [
    {
      externalId: 'alice',
      email: 'alice@shop.com',
      timezone: 'Europe/Berlin',
      birthday: '1990-05-17',
      traits: { city: 'Berlin', age: 35, interests: ['jazz', 'rock'], holds: { fund: true } },
      tags: ['vip'],
    },
    {
      externalId: 'bob',
      email: 'bob@mail.com',
      timezone: 'America/New_York',
      birthday: '1984-05-02',
      traits: { city: 'Hamburg', age: '42' },
    },
    { externalId: 'carol', tags: ['vip', 'beta'], signedUpAt: '2024-05-31T10:00:00Z' },
    { externalId: 'dave' },
  ]);
  for (const c of upserted) idOf[c.externalId] = c.id;
  await ingestEvents(t.db, WS, [
    event('alice', 'login', ago(10)),
    event('alice', 'login', ago(50)),
    event('alice', 'login', ago(200)),
    event('alice', 'purchase', ago(5), { amount: 120, category: 'cd' }),
    event('bob', 'login', ago(40)),
    event('bob', 'complaint', ago(3), { topic: 'delivery' }),
    event('dave', 'login', ago(400)),
    event('dave', 'purchase', ago(380), { amount: 40 }),
    event('dave', 'purchase', ago(390), { amount: 40 }),
    event('dave', 'purchase', ago(400), { amount: 40 }),
  ]);
  await t.db.update(customers).set({ valueTier: 'high' }).where(eq(customers.id, idOf.dave!));
  // A customer of another workspace that matches everything must never show up.
  await upsertCustomers(t.db, 'other', [{ externalId: 'alice', tags: ['vip'] }]);
});
afterAll(async () => {
  await t?.drop();
});

async function who(condition: Condition | Record<string, unknown>): Promise<string[]> {
  const preview = await previewSegment(t.db, WS, condition, { now: NOW, sampleSize: 100 });
  expect(preview.sample).toHaveLength(preview.count);
  return preview.sample.map((c) => c.externalId).sort();
}

const trait = (field: string, op: string, value?: unknown) => ({
  kind: 'trait',
  field,
  op,
  ...(value === undefined ? {} : { value }),
});
const ev = (
  name: string,
  window: Record<string, unknown>,
  op: string,
  value: number,
  filters?: unknown[],
) => ({
  kind: 'event',
  event: name,
  window,
  count: { op, value },
  ...(filters ? { filters } : {}),
});
const last = (amount: number, unit = 'days') => ({ type: 'last', duration: { amount, unit } });

describe('trait conditions', () => {
  it('profile fields', async () => {
    expect(await who(trait('email', 'contains', '@shop'))).toEqual(['alice']);
    expect(await who(trait('timezone', 'eq', 'Europe/Berlin'))).toEqual(['alice']);
    expect(await who(trait('birthday', 'exists'))).toEqual(['alice', 'bob']);
    expect(await who(trait('birthday', 'lt', '1985-01-01'))).toEqual(['bob']);
    expect(await who(trait('email', 'neq', 'bob@mail.com'))).toEqual(['alice', 'carol', 'dave']);
  });

  it('free traits by dot path, with numbers in strings compared as numbers', async () => {
    expect(await who(trait('traits.city', 'eq', 'Berlin'))).toEqual(['alice']);
    expect(await who(trait('traits.age', 'gte', 40))).toEqual(['bob']);
    expect(await who(trait('traits.interests', 'contains', 'jazz'))).toEqual(['alice']);
    expect(await who(trait('traits.holds.fund', 'eq', true))).toEqual(['alice']);
    expect(await who(trait('traits.city', 'in', ['Berlin', 'Hamburg']))).toEqual(['alice', 'bob']);
    expect(await who(trait('traits.city', 'not_exists'))).toEqual(['carol', 'dave']);
  });

  it('derived facts: days since, tiers, dormancy stages, rolling windows', async () => {
    expect(await who(trait('facts.daysSinceLastLogin', 'gte', 30))).toEqual(['bob', 'dave']);
    expect(await who(trait('facts.daysSinceLastLogin', 'lt', 30))).toEqual(['alice']);
    expect(await who(trait('facts.valueTier', 'eq', 'high'))).toEqual(['dave']);
    expect(await who(trait('facts.dormancyStage', 'eq', 'dormant_12m_plus'))).toEqual(['dave']);
    expect(await who(trait('facts.dormancyStage', 'in', ['never_active', 'active']))).toEqual([
      'alice',
      'bob',
      'carol',
    ]);
    expect(await who(trait('facts.dormancyStage', 'neq', 'active'))).toEqual(['carol', 'dave']);
    expect(await who(trait('facts.purchaseCount', 'gte', 3))).toEqual(['dave']);
    expect(await who(trait('facts.spend_30d', 'gt', 100))).toEqual(['alice']);
    expect(await who(trait('facts.logins_180d', 'eq', 2))).toEqual(['alice']);
    expect(await who(trait('facts.activeDays_30d', 'eq', 2))).toEqual(['alice']);
  });

  it('months in a row, for membership tier rules', async () => {
    // alice: active in (0,30] and (30,60], not in (60,90]; bob likewise; carol never; dave only 380–400 days ago.
    expect(await who(trait('facts.activeMonthsInRow', 'gte', 2))).toEqual(['alice', 'bob']);
    expect(await who(trait('facts.inactiveMonthsInRow', 'gte', 2))).toEqual(['carol', 'dave']);
    expect(await who(trait('facts.inactiveMonthsInRow', 'eq', 12))).toEqual(['dave']);
  });

  it('dates in the customer time zone: birthday month, sign-up anniversary, local date', async () => {
    // At NOW it is June 1 in Berlin (alice) and still May 31 in New York (bob) and UTC (carol, dave).
    expect(await who(trait('facts.isBirthdayMonth', 'eq', true))).toEqual(['bob']);
    expect(await who(trait('facts.localDate', 'eq', '06-01'))).toEqual(['alice']);
    expect(await who(trait('facts.isSignupAnniversary', 'eq', true))).toEqual(['carol']);
  });
});

describe('event conditions', () => {
  it('counts in windows, with the shortcuts for happened / did not happen', async () => {
    expect(await who(ev('login', last(180), 'lt', 2))).toEqual(['bob', 'carol', 'dave']);
    expect(await who(ev('login', last(60), 'eq', 1))).toEqual(['bob']);
    expect(await who(ev('login', { type: 'ever' }, 'gte', 3))).toEqual(['alice']);
    expect(await who(ev('complaint', last(1, 'weeks'), 'gte', 1))).toEqual(['bob']);
    expect(await who(ev('purchase', { type: 'ever' }, 'eq', 0))).toEqual(['bob', 'carol']);
    expect(await who(ev('purchase', last(365), 'neq', 0))).toEqual(['alice']);
  });

  it('with property filters', async () => {
    expect(
      await who(ev('purchase', { type: 'ever' }, 'gte', 1, [{ path: 'amount', op: 'gte', value: 100 }])),
    ).toEqual(['alice']);
    expect(
      await who(ev('purchase', { type: 'ever' }, 'gte', 1, [{ path: 'category', op: 'eq', value: 'cd' }])),
    ).toEqual(['alice']);
    expect(
      await who(ev('complaint', { type: 'ever' }, 'eq', 0, [{ path: 'topic', op: 'eq', value: 'delivery' }])),
    ).toEqual(['alice', 'carol', 'dave']);
  });
});

describe('tags, segments, and/or/not', () => {
  it('tags', async () => {
    expect(await who({ kind: 'tag', tag: 'vip', has: true })).toEqual(['alice', 'carol']);
    expect(await who({ kind: 'tag', tag: 'vip', has: false })).toEqual(['bob', 'dave']);
  });

  it('the S-ID-5 example: fewer than 3 logins in 6 months, holds a fund, aged 30–40', async () => {
    expect(
      await who({
        kind: 'and',
        conditions: [
          ev('login', last(180), 'lt', 3),
          trait('traits.holds.fund', 'eq', true),
          trait('traits.age', 'gte', 30),
          trait('traits.age', 'lte', 40),
        ],
      }),
    ).toEqual(['alice']);
  });

  it('or and not', async () => {
    expect(
      await who({
        kind: 'or',
        conditions: [trait('traits.city', 'eq', 'Hamburg'), { kind: 'tag', tag: 'beta', has: true }],
      }),
    ).toEqual(['bob', 'carol']);
    // NOT over a trait that is missing (null) still counts the customer: leaves are never null.
    expect(await who({ kind: 'not', condition: trait('traits.city', 'eq', 'Berlin') })).toEqual([
      'bob',
      'carol',
      'dave',
    ]);
  });

  it('saved segments inside other segments, and as membership tests', async () => {
    await createSegment(t.db, WS, {
      id: 'vips',
      name: 'VIPs',
      definition: { kind: 'tag', tag: 'vip', has: true },
    });
    await createSegment(t.db, WS, {
      id: 'vip-berlin',
      name: 'VIPs in Berlin',
      definition: {
        kind: 'and',
        conditions: [
          { kind: 'segment', segmentId: 'vips', member: true },
          trait('traits.city', 'eq', 'Berlin'),
        ],
      },
    });
    expect(await who({ kind: 'segment', segmentId: 'vip-berlin', member: true })).toEqual(['alice']);
    expect(await who({ kind: 'segment', segmentId: 'vips', member: false })).toEqual(['bob', 'dave']);
    await expect(deleteSegment(t.db, WS, 'vips')).rejects.toThrow(/used by “VIPs in Berlin”/);
  });

  it('refuses a segment that reaches itself through others, naming the node', async () => {
    await createSegment(t.db, WS, {
      id: 'cyc-a',
      name: 'A',
      definition: { kind: 'tag', tag: 'x', has: true },
    });
    await createSegment(t.db, WS, {
      id: 'cyc-b',
      name: 'B',
      definition: { kind: 'segment', segmentId: 'cyc-a', member: true },
    });
    const attempt = updateSegment(t.db, WS, 'cyc-a', {
      definition: {
        kind: 'or',
        conditions: [
          { kind: 'tag', tag: 'x', has: true },
          { kind: 'segment', segmentId: 'cyc-b', member: true },
        ],
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(ConditionInvalidError);
    const error = (await attempt.catch((e: unknown) => e)) as ConditionInvalidError;
    expect(error.problems).toEqual([
      { path: 'conditions.1.segmentId', message: expect.stringMatching(/cyc-a → cyc-b → cyc-a/) },
    ]);
  });
});

describe('invalid trees', () => {
  it('reports every problem with the path of its node', async () => {
    const attempt = previewSegment(t.db, WS, {
      kind: 'and',
      conditions: [
        trait('facts.nope', 'eq', 1),
        ev('login', { type: 'since_entry' }, 'gte', 1),
        trait('facts.purchaseCount', 'gte', 'three'),
        trait('facts.valueTier', 'eq', 'platinum'),
        { kind: 'segment', segmentId: 'missing', member: true },
        { kind: 'or', conditions: [] },
      ],
    });
    const error = (await attempt.catch((e: unknown) => e)) as ConditionInvalidError;
    expect(error).toBeInstanceOf(ConditionInvalidError);
    // Shape errors (the empty "or") are reported first and alone: the rest cannot be checked on a broken shape.
    expect(error.problems).toEqual([
      { path: 'conditions.5.conditions', message: 'Add at least one condition' },
    ]);

    const second = (await previewSegment(t.db, WS, {
      kind: 'and',
      conditions: [
        trait('facts.nope', 'eq', 1),
        ev('login', { type: 'since_entry' }, 'gte', 1),
        trait('facts.purchaseCount', 'gte', 'three'),
        trait('facts.valueTier', 'eq', 'platinum'),
        { kind: 'segment', segmentId: 'missing', member: true },
      ],
    }).catch((e: unknown) => e)) as ConditionInvalidError;
    expect(second.problems.map((p) => p.path)).toEqual([
      'conditions.0.field',
      'conditions.1.window',
      'conditions.2.value',
      'conditions.3.value',
      'conditions.4.segmentId',
    ]);
  });

  it('keeps user text out of the SQL: a hostile tag is only a value', async () => {
    expect(await who({ kind: 'tag', tag: "x'); drop table customers; --", has: true })).toEqual([]);
    const n = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from customers`);
    expect(n.rows[0]?.n).toBe(5);
  });
});

describe('createConditionEvaluator', () => {
  it('evaluates one customer with since-entry windows anchored at entry', async () => {
    const evaluator: ConditionEvaluator = createConditionEvaluator(t.db);
    const boughtSinceEntry: Condition = {
      kind: 'event',
      event: 'purchase',
      window: { type: 'since_entry' },
      count: { op: 'gte', value: 1 },
    };
    const base = {
      workspaceId: WS,
      customerId: idOf.alice!,
      condition: boughtSinceEntry,
      now: NOW.toISOString(),
    };
    expect(await evaluator.matches({ ...base, enteredAt: ago(7) })).toBe(true);
    expect(await evaluator.matches({ ...base, enteredAt: ago(3) })).toBe(false);
    // Same tree as the segments above, one customer at a time.
    const vipBerlin: Condition = { kind: 'segment', segmentId: 'vip-berlin', member: true };
    expect(await evaluator.matches({ ...base, condition: vipBerlin, enteredAt: ago(1) })).toBe(true);
    expect(
      await evaluator.matches({ ...base, customerId: idOf.bob!, condition: vipBerlin, enteredAt: ago(1) }),
    ).toBe(false);
    // Another workspace's id for a customer of this one: no match, not an error.
    expect(
      await evaluator.matches({
        ...base,
        workspaceId: 'other',
        condition: { kind: 'tag', tag: 'vip', has: true },
        enteredAt: ago(1),
      }),
    ).toBe(false);
  });
});
