/** Ingest against PostgreSQL: idempotency, late customers, incremental facts and the daily rollup. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '@wakeflow/db/testing';
import { customers, customerDailyActivity } from '@wakeflow/db';
import { attachOrphanEvents, ingestEvents, upsertCustomers, upsertCustomersWithReport } from '../src/index';
import { event } from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const customerRow = async (externalId: string) => {
  const [row] = await t.db.select().from(customers).where(eq(customers.externalId, externalId));
  return row;
};

describe('ingestEvents', () => {
  it('is idempotent by event id, within a batch and across batches', async () => {
    await upsertCustomers(t.db, WS, [{ externalId: 'idem' }]);
    const batch = [
      { ...event('idem', 'login', '2026-01-01T10:00:00Z'), eventId: 'same-1' },
      { ...event('idem', 'login', '2026-01-01T11:00:00Z'), eventId: 'same-1' },
      { ...event('idem', 'purchase', '2026-01-02T10:00:00Z', { amount: 30 }), eventId: 'same-2' },
    ];
    const first = await ingestEvents(t.db, WS, batch);
    expect(first.accepted).toHaveLength(2);
    expect(first.duplicates).toBe(1);
    expect(first.accepted.every((e) => e.customerId !== null)).toBe(true);

    const again = await ingestEvents(t.db, WS, batch);
    expect(again).toEqual({ accepted: [], duplicates: 3 });

    // Facts counted once, not once per delivery.
    const row = await customerRow('idem');
    expect(row?.purchaseCount).toBe(1);
    expect(row?.totalSpend).toBe(30);
    expect(row?.lastLoginAt?.toISOString()).toBe('2026-01-01T10:00:00.000Z');
  });

  it('keeps events of unknown customers and attaches them, with their facts, when the customer appears', async () => {
    const result = await ingestEvents(t.db, WS, [
      event('late', 'purchase', '2026-02-01T09:00:00Z', { amount: '12.50' }),
      event('late', 'purchase', '2026-02-03T09:00:00Z', { amount: 7.5 }),
      event('late', 'login', '2026-02-04T09:00:00Z'),
      event('late', 'message_delivered', '2026-02-05T09:00:00Z'),
    ]);
    expect(result.accepted).toHaveLength(4);
    expect(result.accepted.every((e) => e.customerId === null)).toBe(true);
    expect(await customerRow('late')).toBeUndefined();

    const report = await upsertCustomersWithReport(t.db, WS, [
      { externalId: 'late', email: 'late@example.com' },
    ]);
    expect(report.created).toBe(1);
    expect(report.attachedEvents).toBe(4);
    const row = await customerRow('late');
    expect(row?.purchaseCount).toBe(2);
    expect(row?.totalSpend).toBe(20);
    expect(row?.lastPurchaseAt?.toISOString()).toBe('2026-02-03T09:00:00.000Z');
    expect(row?.lastLoginAt?.toISOString()).toBe('2026-02-04T09:00:00.000Z');
    // A delivery receipt is not the customer's activity.
    expect(row?.lastActivityAt?.toISOString()).toBe('2026-02-04T09:00:00.000Z');

    // Attaching is done once: the backstop finds nothing left.
    expect(await attachOrphanEvents(t.db, WS)).toBe(0);
  });

  it('moves facts forward only: a late, older event does not move last activity back', async () => {
    await upsertCustomers(t.db, WS, [{ externalId: 'order' }]);
    await ingestEvents(t.db, WS, [event('order', 'browse', '2026-03-10T00:00:00Z')]);
    await ingestEvents(t.db, WS, [event('order', 'purchase', '2026-03-01T00:00:00Z', { amount: 5 })]);
    const row = await customerRow('order');
    expect(row?.lastActivityAt?.toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(row?.lastPurchaseAt?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('adds each batch to the daily rollup (UTC days)', async () => {
    const [c] = await upsertCustomers(t.db, WS, [{ externalId: 'rollup' }]);
    await ingestEvents(t.db, WS, [
      event('rollup', 'login', '2026-04-01T01:00:00Z'),
      event('rollup', 'purchase', '2026-04-01T23:59:00Z', { amount: 10 }),
    ]);
    await ingestEvents(t.db, WS, [
      event('rollup', 'purchase', '2026-04-01T12:00:00Z', { amount: 2.25 }),
      event('rollup', 'purchase', '2026-04-02T00:00:00Z', { amount: 'n/a' }),
    ]);
    const days = await t.db
      .select()
      .from(customerDailyActivity)
      .where(eq(customerDailyActivity.customerId, c!.id))
      .orderBy(customerDailyActivity.day);
    expect(days.map((d) => [d.day, d.activityCount, d.loginCount, d.purchaseCount, d.spend])).toEqual([
      ['2026-04-01', 3, 1, 2, 12.25],
      // A purchase without a numeric amount counts as a purchase with 0 spend.
      ['2026-04-02', 1, 0, 1, 0],
    ]);
  });

  it('takes 10,000 events in one call', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => ({ externalId: `bulk-${i}` }));
    await upsertCustomers(t.db, WS, ids);
    const events = Array.from({ length: 10_000 }, (_, i) =>
      event(
        `bulk-${i % 600}`,
        i % 3 === 0 ? 'purchase' : 'login',
        new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        { amount: 1 },
      ),
    );
    const started = performance.now();
    const result = await ingestEvents(t.db, WS, events);
    const ms = performance.now() - started;
    expect(result.accepted).toHaveLength(10_000);
    // bulk-500..599 are unknown: their events wait unattached.
    const unknown = events.filter((e) => Number(e.customerExternalId.slice(5)) >= 500).length;
    expect(result.accepted.filter((e) => e.customerId === null)).toHaveLength(unknown);
    const purchases = await t.db.execute<{ n: number }>(
      sql`select sum(purchase_count)::int as n from customers where external_id like 'bulk-%'`,
    );
    expect(purchases.rows[0]?.n).toBe(
      events.filter((e, i) => i % 3 === 0 && Number(e.customerExternalId.slice(5)) < 500).length,
    );
    expect(ms).toBeLessThan(10_000);
  });
});

describe('upsertCustomers', () => {
  it('keeps fields left out, clears fields sent as null, merges traits and consent, adds tags', async () => {
    await upsertCustomers(t.db, WS, [
      {
        externalId: 'merge',
        email: 'a@example.com',
        phone: '+4915112345678',
        traits: { city: 'Berlin', plan: 'free' },
        consent: { email: true },
        tags: ['vip'],
      },
    ]);
    const [again] = await upsertCustomers(t.db, WS, [
      {
        externalId: 'merge',
        phone: null,
        traits: { plan: 'pro' },
        consent: { sms: false },
        tags: ['beta'],
        timezone: 'Europe/Berlin',
      },
    ]);
    expect(again?.created).toBe(false);
    const row = await customerRow('merge');
    expect(row?.email).toBe('a@example.com');
    expect(row?.phone).toBeNull();
    expect(row?.timezone).toBe('Europe/Berlin');
    expect(row?.traits).toEqual({ city: 'Berlin', plan: 'pro' });
    expect(row?.consent).toEqual({ email: true, sms: false });
    expect(row?.tags).toEqual(['beta', 'vip']);
  });

  it('merges repeated external ids within one batch, later fields winning', async () => {
    const result = await upsertCustomers(t.db, WS, [
      { externalId: 'twice', firstName: 'A', traits: { x: 1 } },
      { externalId: 'twice', lastName: 'B', traits: { y: 2 } },
    ]);
    expect(result).toHaveLength(1);
    const row = await customerRow('twice');
    expect([row?.firstName, row?.lastName, row?.traits]).toEqual(['A', 'B', { x: 1, y: 2 }]);
  });
});
