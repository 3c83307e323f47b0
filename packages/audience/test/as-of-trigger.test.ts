/**
 * Differential test of the backtest's in-memory trigger (src/backtest/as-of-trigger.ts) against the segment
 * compiler's SQL on PostgreSQL: random conditions over the leaves it evaluates in memory (event counts with windows
 * and filters, as-of facts, dormancy stages, static profile leaves), for customers with random event histories,
 * at the end of many days, starting mid-history. Both ways are `AsOfAudience`s over the same log; each day they
 * must name the same customers.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '@wakeflow/db/testing';
import type { Condition, EventInput } from '@wakeflow/journey';
import {
  AsOfAudience,
  defaultAudienceSettings,
  ingestEvents,
  recomputeRfm,
  upsertCustomers,
  type HistoryEvent,
  type PreparedCondition,
} from '../src/index';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
/** The backtest starts 60 days in: earlier events reach it as its starting facts. */
const FROM = START + 60 * DAY;
const DAYS = 100;
const CASES = Number(process.env.WAKEFLOW_TRIGGER_CASES ?? 40);

let t: TestDatabase;

/** A deterministic history: 40 customers, some never seen, with logins, purchases and browsing over 160 days. */
function history(): EventInput[] {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const list: EventInput[] = [];
  for (let c = 0; c < 40; c++) {
    const count = c % 9 === 0 ? 0 : Math.floor(random() * 25);
    for (let k = 0; k < count; k++) {
      const r = random();
      const name = r < 0.4 ? 'login' : r < 0.65 ? 'purchase' : 'browse';
      list.push({
        eventId: `h-${c}-${k}`,
        customerExternalId: `c${c}`,
        name,
        occurredAt: new Date(START + Math.floor(random() * (DAYS + 60) * DAY)).toISOString(),
        properties: name === 'purchase' ? { amount: Math.round(random() * 8000) / 100 } : {},
      });
    }
  }
  return list;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCustomers(
    t.db,
    WS,
    Array.from({ length: 40 }, (_, c) => ({
      externalId: `c${c}`,
      ...(c % 3 === 0 ? { email: `c${c}@example.com` } : {}),
      ...(c % 4 === 0 ? { traits: { city: 'Berlin' } } : {}),
      ...(c % 5 === 0 ? { tags: ['vip'] } : {}),
      // Some signed up during the backtest: they exist (and can match "no login") only from then on; of those
      // without events, some signed up, the others were created during the backtest.
      ...(c % 6 === 1 || (c % 9 === 0 && c % 2 === 0)
        ? { signedUpAt: new Date(START + (c + 50) * DAY).toISOString() }
        : {}),
    })),
  );
  // Created after the backtest, so existence follows sign-up and first event, but for two created during it.
  await t.db.execute(sql`update customers set created_at = ${new Date(START + 200 * DAY).toISOString()}`);
  await t.db.execute(
    sql`update customers set created_at = ${new Date(FROM + 20 * DAY).toISOString()} where external_id in ('c9', 'c27')`,
  );
  await ingestEvents(t.db, WS, history());
  await recomputeRfm(t.db, WS);
});
afterAll(async () => {
  await t?.drop();
});

const eventLeaf = fc.record({
  kind: fc.constant('event' as const),
  event: fc.constantFrom('login', 'purchase', 'browse'),
  window: fc.oneof(
    fc.constant({ type: 'ever' as const }),
    fc.record({
      type: fc.constant('last' as const),
      duration: fc.record({
        amount: fc.integer({ min: 1, max: 60 }),
        unit: fc.constantFrom('days' as const, 'hours' as const),
      }),
    }),
  ),
  count: fc.record({
    op: fc.constantFrom(
      'eq' as const,
      'neq' as const,
      'gt' as const,
      'gte' as const,
      'lt' as const,
      'lte' as const,
    ),
    value: fc.integer({ min: 0, max: 3 }),
  }),
  filters: fc.option(fc.constant([{ path: 'amount', op: 'gte' as const, value: 40 }]), { nil: undefined }),
});

const trait = (field: string, op: string, value?: unknown) =>
  ({ kind: 'trait', field, op, value }) as Condition;
const factLeaf = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'facts.daysSinceLastActivity',
        'facts.daysSinceLastLogin',
        'facts.daysSinceLastPurchase',
      ),
      fc.constantFrom('gte', 'gt', 'lt', 'lte', 'eq', 'exists', 'not_exists'),
      fc.integer({ min: 0, max: 60 }),
    )
    .map(([f, op, v]) => trait(f, op, v)),
  fc
    .tuple(
      fc.constantFrom('facts.purchaseCount', 'facts.totalSpend'),
      fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte'),
      fc.constantFrom(0, 1, 2, 3, 40.5, 99.99),
    )
    .map(([f, op, v]) => trait(f, op, v)),
  fc
    .subarray(['active', 'dormant_1_3m', 'dormant_3_6m', 'never_active'], { minLength: 1 })
    .map((v) => trait('facts.dormancyStage', 'in', v)),
  fc
    .constantFrom('facts.lastActivityAt', 'facts.lastPurchaseAt')
    .chain((f) => fc.constantFrom('exists', 'not_exists').map((op) => trait(f, op))),
);
const staticLeaf = fc.constantFrom<Condition>(
  { kind: 'tag', tag: 'vip', has: true },
  { kind: 'tag', tag: 'vip', has: false },
  trait('traits.city', 'eq', 'Berlin'),
  trait('email', 'exists'),
  trait('facts.valueTier', 'in', ['high', 'mid']),
);
const condition: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    eventLeaf as fc.Arbitrary<Condition>,
    factLeaf,
    staticLeaf,
    fc.record({
      kind: fc.constant('and' as const),
      conditions: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant('or' as const),
      conditions: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant('not' as const), condition: tie('node') }),
  ),
})).node;

/** Reads an audience's cursor up to an instant, a page at a time, applying the events. */
class Reader {
  private page: HistoryEvent[] = [];
  private at = 0;
  constructor(readonly audience: AsOfAudience) {}
  async until(horizonMs: number): Promise<void> {
    for (;;) {
      if (this.at >= this.page.length) {
        this.page = await this.audience.nextEvents(50);
        this.at = 0;
        if (this.page.length === 0) return;
      }
      const taken: HistoryEvent[] = [];
      while (this.at < this.page.length && this.page[this.at]!.occurredAtMs <= horizonMs)
        taken.push(this.page[this.at++]!);
      await this.audience.applyEvents(taken);
      if (this.at < this.page.length) return;
    }
  }
}

async function matchesEachDay(prepared: PreparedCondition, inMemory: boolean) {
  return t.db.transaction(async (tx) => {
    const audience = await AsOfAudience.open(tx, {
      workspaceId: WS,
      trigger: prepared,
      startIso: new Date(FROM).toISOString(),
      inMemory,
    });
    expect(audience.sqlReason === null).toBe(inMemory);
    const reader = new Reader(audience);
    await reader.until(FROM - 1);
    const days: number[][] = [];
    for (let day = 0; day < DAYS; day += 3) {
      const end = FROM + (day + 1) * DAY - 1;
      await reader.until(end);
      days.push(await audience.matchingAt(new Date(end).toISOString()));
    }
    await audience.close();
    return days;
  });
}

describe('the backtest trigger in memory', () => {
  it(`matches the compiled SQL every day for ${CASES} random conditions`, async () => {
    let matchedSomewhere = 0;
    await fc.assert(
      fc.asyncProperty(condition, async (tree) => {
        const prepared: PreparedCondition = {
          condition: tree,
          segments: new Map(),
          settings: defaultAudienceSettings,
        };
        const inMemory = await matchesEachDay(prepared, true);
        const inSql = await matchesEachDay(prepared, false);
        expect(inMemory).toEqual(inSql);
        if (inSql.some((d) => d.length > 0 && d.length < 40)) matchedSomewhere += 1;
      }),
      { numRuns: CASES, seed: 15_019 },
    );
    // The random conditions are not all trivially empty or full.
    expect(matchedSomewhere).toBeGreaterThan(CASES / 4);
  });

  it('leaves a condition it cannot evaluate in memory to the SQL, and says why', async () => {
    const audience = await t.db.transaction(async (tx) => {
      const opened = await AsOfAudience.open(tx, {
        workspaceId: WS,
        trigger: {
          condition: trait('facts.logins_30d', 'gte', 2),
          segments: new Map(),
          settings: defaultAudienceSettings,
        },
        startIso: new Date(FROM).toISOString(),
      });
      await opened.close();
      return opened;
    });
    expect(audience.sqlReason).toContain('facts.logins_30d');
  });
});
