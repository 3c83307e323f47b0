/** Coupons on a real database: one code per claim under concurrency and retries, pattern minting, redemption. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNotNull } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { coupons, customers, events } from '@wakeflow/db';
import {
  claimCoupon,
  couponOffer,
  couponOfferConfigSchema,
  createChannelNodeAdapters,
  createCouponPool,
  createDbEventRecorder,
  findCouponPoolRow,
  generateCouponCodes,
  getCouponPool,
  importCouponCodes,
  recordCouponRedemption,
  syncCouponRedemptions,
  type ChannelNodePorts,
} from '../src/index';
import { seedCustomer, WORKSPACE } from './helpers';

let tdb: TestDatabase;
const now = new Date('2026-06-15T12:00:00Z');

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

async function pool(
  id: string,
  values: { pattern?: string; valueCents?: number; minSpendCents?: number } = {},
) {
  await createCouponPool(tdb.db, WORKSPACE, { id, name: id, ...values });
  return (await findCouponPoolRow(tdb.db, WORKSPACE, id))!;
}

describe('coupon pools', () => {
  it('imports unique codes and reports duplicates', async () => {
    const p = await pool('import', { valueCents: 2000 });
    expect(await importCouponCodes(tdb.db, p, ['a1b2c3', 'A1B2C3', 'zz-999'])).toEqual({
      inserted: 2,
      duplicates: 1,
    });
    expect(await importCouponCodes(tdb.db, p, ['ZZ-999', 'NEW-1'])).toEqual({ inserted: 1, duplicates: 1 });
    expect((await getCouponPool(tdb.db, WORKSPACE, 'import'))!.stock).toEqual({
      total: 3,
      free: 3,
      claimed: 0,
      redeemed: 0,
    });
  });

  it('hands each code to exactly one claim under 60 concurrent claims, retries included', async () => {
    const p = await pool('race', { pattern: 'RC-????-####' });
    expect(await generateCouponCodes(tdb.db, p, 40)).toEqual({ inserted: 40 });
    const customerIds = await Promise.all(Array.from({ length: 50 }, () => seedCustomer(tdb.db)));
    // 50 distinct claims plus 10 retries of the first ten keys, all at once.
    const requests = [
      ...customerIds.map((c, i) => ({ key: `run-${i}#offer`, c })),
      ...customerIds.slice(0, 10).map((c, i) => ({ key: `run-${i}#offer`, c })),
    ];
    const claimed = await Promise.all(
      requests.map((r) =>
        claimCoupon(tdb.db, {
          workspaceId: WORKSPACE,
          poolId: 'race',
          claimKey: r.key,
          customerId: r.c,
          now,
        }),
      ),
    );
    const byKey = new Map<string, string>();
    requests.forEach((r, i) => {
      const code = claimed[i]!.code;
      if (byKey.has(r.key)) expect(code).toBe(byKey.get(r.key));
      byKey.set(r.key, code);
    });
    const codes = [...byKey.values()];
    expect(new Set(codes).size).toBe(50);
    // 40 from stock, 10 minted from the pattern once the stock ran out.
    const rows = await tdb.db
      .select()
      .from(coupons)
      .where(and(eq(coupons.poolId, 'race'), isNotNull(coupons.claimKey)));
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => /^RC-[A-Z]{4}-\d{4}$/.test(r.code))).toBe(true);
  });

  it('returns null from an empty pool without a pattern', async () => {
    await pool('empty');
    expect(
      await claimCoupon(tdb.db, {
        workspaceId: WORKSPACE,
        poolId: 'empty',
        claimKey: 'k',
        customerId: await seedCustomer(tdb.db),
        now,
      }),
    ).toBeNull();
  });
});

describe('the coupon_offer node (S-RE-3)', () => {
  it('gives 20 off to 3–6 months dormant and 50 off above a threshold to 6–12 months, once per run and step', async () => {
    const p20 = await pool('wb20', { valueCents: 2000 });
    const p50 = await pool('wb50', { valueCents: 5000, minSpendCents: 30000 });
    await importCouponCodes(tdb.db, p20, ['TWENTY-1', 'TWENTY-2']);
    await importCouponCodes(tdb.db, p50, ['FIFTY-1']);
    const config = couponOfferConfigSchema.parse({
      offers: [
        { name: 'twenty_off', poolId: 'wb20', minDaysInactive: 90, maxDaysInactive: 180 },
        { name: 'fifty_off', poolId: 'wb50', minDaysInactive: 180, maxDaysInactive: 365 },
      ],
    });
    const unused = () => Promise.reject(new Error('not used by the coupon_offer node'));
    // The kind as the worker runs it: its activity on the ports, the `coupons` port on the test database.
    const services: ChannelNodePorts = {
      ...createChannelNodeAdapters(tdb.db),
      customers: { get: unused, update: unused },
      messaging: { send: unused, sendBatch: unused },
      conditions: { matches: unused },
      logger: { info: () => undefined, warn: () => undefined },
    };
    const run = async (customerId: string, workflowId: string) =>
      couponOffer.definition.activity!.run(
        {
          runId: '00000000-0000-0000-0000-000000000001',
          workflowId,
          workspaceId: WORKSPACE,
          journeyId: 'j',
          version: 1,
          customerId,
          nodeId: 'offer',
          nodeType: 'coupon_offer',
          nodeVersion: 1,
          config,
          holdout: false,
          priority: 5,
          context: { enteredAt: now.toISOString(), steps: {} },
          at: now.toISOString(),
        },
        services,
      );
    const midDormant = await seedCustomer(tdb.db, {
      lastActivityAt: new Date(now.getTime() - 120 * 86_400_000),
    });
    const lateDormant = await seedCustomer(tdb.db, {
      lastActivityAt: new Date(now.getTime() - 200 * 86_400_000),
    });
    const active = await seedCustomer(tdb.db, { lastActivityAt: new Date(now.getTime() - 5 * 86_400_000) });
    const first = await run(midDormant, 'wf-a');
    expect(first).toEqual({
      outcome: 'assigned',
      output: expect.objectContaining({
        offer: 'twenty_off',
        code: 'TWENTY-1',
        value_cents: 2000,
        min_spend_cents: 0,
      }),
    });
    expect(await run(midDormant, 'wf-a')).toEqual(first);
    expect(await run(lateDormant, 'wf-b')).toEqual({
      outcome: 'assigned',
      output: expect.objectContaining({ offer: 'fifty_off', code: 'FIFTY-1', min_spend_cents: 30000 }),
    });
    expect(await run(active, 'wf-c')).toEqual({ outcome: 'none' });
    expect(await run(lateDormant, 'wf-d')).toEqual({ outcome: 'none' }); // wb50 is used up
  });
});

describe('redemption', () => {
  it('marks codes redeemed from coupon_redeemed and purchase events, and reports purchases as coupon_redeemed', async () => {
    const p = await pool('redeem', { valueCents: 1000 });
    await importCouponCodes(tdb.db, p, ['RED-1', 'RED-2', 'RED-3']);
    const customerId = await seedCustomer(tdb.db);
    for (const key of ['r1', 'r2', 'r3'])
      await claimCoupon(tdb.db, { workspaceId: WORKSPACE, poolId: 'redeem', claimKey: key, customerId, now });
    const recorder = createDbEventRecorder(tdb.db);
    expect(
      await recordCouponRedemption(
        tdb.db,
        {
          workspaceId: WORKSPACE,
          name: 'coupon_redeemed',
          properties: { code: 'red-1' },
          occurredAt: now,
          customerId,
        },
        recorder,
      ),
    ).toBe(1);
    expect(
      await recordCouponRedemption(
        tdb.db,
        {
          workspaceId: WORKSPACE,
          name: 'purchase',
          properties: { amount: 99, coupon_code: 'RED-2' },
          occurredAt: now,
          customerId,
        },
        recorder,
      ),
    ).toBe(1);
    expect(
      await recordCouponRedemption(
        tdb.db,
        {
          workspaceId: WORKSPACE,
          name: 'purchase',
          properties: { coupon_code: 'RED-2' },
          occurredAt: now,
          customerId,
        },
        recorder,
      ),
    ).toBe(0);
    const derived = await tdb.db
      .select()
      .from(events)
      .where(and(eq(events.customerId, customerId), eq(events.name, 'coupon_redeemed')));
    expect(derived).toHaveLength(1);
    expect(derived[0]!.properties).toMatchObject({ code: 'RED-2', source: 'purchase' });

    // A historical purchase imported into the event log is caught up set-based.
    const [c] = await tdb.db
      .select({ externalId: customers.externalId })
      .from(customers)
      .where(eq(customers.id, customerId));
    await tdb.db.insert(events).values({
      workspaceId: WORKSPACE,
      eventId: 'hist-1',
      customerExternalId: c!.externalId,
      customerId,
      name: 'purchase',
      properties: { coupons: ['red-3'] },
      occurredAt: now,
    });
    expect(await syncCouponRedemptions(tdb.db, WORKSPACE)).toBe(1);
    expect((await getCouponPool(tdb.db, WORKSPACE, 'redeem'))!.stock).toEqual({
      total: 3,
      free: 0,
      claimed: 3,
      redeemed: 3,
    });
  });
});
