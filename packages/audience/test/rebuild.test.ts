/**
 * `rebuildFacts` on real PostgreSQL: after the event definitions change, the rebuilt facts equal those of a
 * workspace that ingested the same events under the new definitions from the start (every fact column and every
 * rollup row), also with ingest running during the rebuild; other workspaces and unknown customers' events are
 * untouched, a second rebuild writes nothing, and a small fixture is checked against values worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { customers, events } from '@wakeflow/db';
import type { EventInput } from '@wakeflow/journey';
import {
  ingestEvents,
  rebuildFacts,
  saveAudienceSettings,
  upsertCustomers,
  type AudienceSettingsInput,
} from '../src/index';
import { storedFactsOf, storedRollupOf } from './helpers';

const REBUILT = 'rebuilt';
const FRESH = 'fresh';
const OTHER = 'other';
const HAND = 'hand';
const BUSY = 'busy';
const BUSY_FRESH = 'busy_fresh';

/** B: a different activity mode, more login events, other purchase events and a nested amount. */
const settingsB: AudienceSettingsInput = {
  activity: { mode: 'only', events: ['app_open', 'purchase', 'page_view'] },
  loginEvents: ['login', 'app_open'],
  purchaseEvents: ['order_completed', 'purchase'],
  amountProperty: 'total.value',
};

let t: TestDatabase;

const names = [
  'login',
  'app_open',
  'page_view',
  'purchase',
  'store_purchase',
  'order_completed',
  'message_opened',
  'message_delivered',
  'search',
];
const people = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];

/** A deterministic mix: every customer gets several names over several days, with odd amounts here and there. */
function fixtureEvents(prefix: string, from: number, count: number): EventInput[] {
  const list: EventInput[] = [];
  for (let i = from; i < from + count; i++) {
    const who = i % 11 === 0 ? 'ghost' : people[(i * 5) % people.length]!;
    const name = names[(i * 7) % names.length]!;
    const at = new Date(
      Date.UTC(2026, 0, 1) + ((i * 37) % 40) * 86_400_000 + ((i * 13) % 24) * 3_600_000,
    ).toISOString();
    // Amounts with at most two decimals: ingest rounds spend per batch, so only those sum the same in any batching.
    const amounts: unknown[] = [12.5, '7.25', 'n/a', 3, null, { nested: 1 }, ' 40 ', 1e2];
    const properties: Record<string, unknown> = {
      amount: amounts[i % amounts.length],
      total: { value: amounts[(i + 3) % amounts.length] },
    };
    if (i % 9 === 0) delete properties.total;
    list.push({ eventId: `${prefix}-${i}`, customerExternalId: who, name, occurredAt: at, properties });
  }
  return list;
}

async function ingestInBatches(workspaceId: string, list: EventInput[], size: number) {
  for (let i = 0; i < list.length; i += size) await ingestEvents(t.db, workspaceId, list.slice(i, i + size));
}

const factsOf = (workspaceId: string) => storedFactsOf(t.db, workspaceId);
const rollupOf = (workspaceId: string) => storedRollupOf(t.db, workspaceId);

beforeAll(async () => {
  t = await createTestDatabase({ workspaceIds: [REBUILT, FRESH, OTHER, HAND, BUSY, BUSY_FRESH] });
  for (const ws of [REBUILT, FRESH, OTHER]) {
    await upsertCustomers(
      t.db,
      ws,
      [...people, 'idle'].map((externalId) => ({ externalId })),
    );
  }
  await saveAudienceSettings(t.db, FRESH, settingsB);
  const list = fixtureEvents('e', 0, 400);
  // Different batchings on purpose: the result must not depend on them.
  await ingestInBatches(REBUILT, list, 37);
  await ingestInBatches(FRESH, list, 100);
  await ingestInBatches(OTHER, list, 400);
});
afterAll(async () => {
  await t?.drop();
});

describe('rebuildFacts', () => {
  it('gives exactly the facts and rollup rows of ingesting under the new definitions from the start', async () => {
    const otherFacts = await factsOf(OTHER);
    const otherRollup = await rollupOf(OTHER);
    const before = await factsOf(REBUILT);
    // Under the old definitions the two workspaces disagree (otherwise this test would prove nothing).
    expect(before).not.toEqual(await factsOf(FRESH));

    await saveAudienceSettings(t.db, REBUILT, settingsB);
    const seen: number[] = [];
    const result = await rebuildFacts(t.db, REBUILT, {
      chunkSize: 3,
      concurrency: 1,
      onChunk: (p) => void seen.push(p.customersScanned),
    });

    expect(await factsOf(REBUILT)).toEqual(await factsOf(FRESH));
    expect(await rollupOf(REBUILT)).toEqual(await rollupOf(FRESH));
    // 8 customers in chunks of 3; every customer with events changed ('idle' had nothing to change).
    expect(seen).toEqual([3, 6, 8]);
    expect(result).toMatchObject({ customersScanned: 8, customersUpdated: 7 });
    expect(result.rollupRowsWritten + result.rollupRowsDeleted).toBeGreaterThan(0);

    // Another workspace with the same events keeps its facts.
    expect(await factsOf(OTHER)).toEqual(otherFacts);
    expect(await rollupOf(OTHER)).toEqual(otherRollup);
    // Events of the unknown customer stay unattached.
    const ghosts = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(events)
      .where(
        and(
          eq(events.workspaceId, REBUILT),
          eq(events.customerExternalId, 'ghost'),
          isNull(events.customerId),
        ),
      );
    expect(ghosts[0]?.n).toBeGreaterThan(0);
  });

  it('writes nothing on a second run', async () => {
    const updatedAt = await t.db
      .select({ id: customers.id, at: customers.updatedAt })
      .from(customers)
      .where(eq(customers.workspaceId, REBUILT));
    const again = await rebuildFacts(t.db, REBUILT);
    expect(again).toMatchObject({
      customersScanned: 8,
      customersUpdated: 0,
      rollupRowsWritten: 0,
      rollupRowsDeleted: 0,
    });
    expect(
      await t.db
        .select({ id: customers.id, at: customers.updatedAt })
        .from(customers)
        .where(eq(customers.workspaceId, REBUILT)),
    ).toEqual(updatedAt);
  });

  it('keeps agreeing as ingest and late customers carry on from the rebuilt facts', async () => {
    const more = fixtureEvents('late', 400, 120);
    await ingestInBatches(REBUILT, more, 50);
    await ingestInBatches(FRESH, more, 120);
    // The unknown customer appears: their earlier events are attached under B in both workspaces.
    for (const ws of [REBUILT, FRESH]) await upsertCustomers(t.db, ws, [{ externalId: 'ghost' }]);
    expect(await factsOf(REBUILT)).toEqual(await factsOf(FRESH));
    expect(await rollupOf(REBUILT)).toEqual(await rollupOf(FRESH));
  });

  it('agrees with ingest that runs while it rebuilds', async () => {
    for (const ws of [BUSY, BUSY_FRESH])
      await upsertCustomers(
        t.db,
        ws,
        [...people, 'idle'].map((externalId) => ({ externalId })),
      );
    await saveAudienceSettings(t.db, BUSY_FRESH, settingsB);
    const early = fixtureEvents('early', 0, 300);
    const late = fixtureEvents('during', 300, 300);
    await ingestInBatches(BUSY, early, 50);
    await ingestInBatches(BUSY_FRESH, [...early, ...late], 100);

    await saveAudienceSettings(t.db, BUSY, settingsB);
    // One customer per transaction, so ingest batches land between, before and during chunks.
    await Promise.all([rebuildFacts(t.db, BUSY, { chunkSize: 1 }), ingestInBatches(BUSY, late, 10)]);
    expect(await factsOf(BUSY)).toEqual(await factsOf(BUSY_FRESH));
    expect(await rollupOf(BUSY)).toEqual(await rollupOf(BUSY_FRESH));
  });

  it('matches a fixture worked out by hand, clearing facts that no longer count', async () => {
    await upsertCustomers(t.db, HAND, [{ externalId: 'h1' }, { externalId: 'h2' }]);
    const e = (
      id: string,
      who: string,
      name: string,
      at: string,
      properties: Record<string, unknown> = {},
    ): EventInput => ({
      eventId: id,
      customerExternalId: who,
      name,
      occurredAt: at,
      properties,
    });
    // Ingested under the defaults: every event but message receipts is activity, 'login' logs in, 'purchase'
    // and 'store_purchase' are purchases with their `amount`.
    await ingestEvents(t.db, HAND, [
      e('1', 'h1', 'visit', '2026-03-01T10:00:00Z'),
      e('2', 'h1', 'buy', '2026-03-01T12:00:00Z', { price: 10.5 }),
      e('3', 'h1', 'buy', '2026-03-02T09:00:00Z', { price: '4.25' }),
      e('4', 'h1', 'purchase', '2026-03-03T08:00:00Z', { amount: 99 }),
      e('5', 'h1', 'login', '2026-03-04T07:00:00Z'),
      e('6', 'h1', 'message_opened', '2026-03-05T06:00:00Z'),
      e('7', 'h2', 'purchase', '2026-03-02T00:00:00Z', { amount: 5 }),
    ]);
    const h1Before = (await factsOf(HAND))[0];
    expect(h1Before).toMatchObject({
      lastActivityAt: new Date('2026-03-04T07:00:00Z'),
      purchaseCount: 1,
      totalSpend: 99,
    });

    // Now only visits are activity, 'buy' is the purchase and its amount is `price`.
    await saveAudienceSettings(t.db, HAND, {
      activity: { mode: 'only', events: ['visit'] },
      loginEvents: ['login'],
      purchaseEvents: ['buy'],
      amountProperty: 'price',
    });
    const result = await rebuildFacts(t.db, HAND);
    expect(result).toMatchObject({ customersScanned: 2, customersUpdated: 2 });

    expect(await factsOf(HAND)).toEqual([
      {
        externalId: 'h1',
        lastActivityAt: new Date('2026-03-01T10:00:00Z'),
        lastLoginAt: new Date('2026-03-04T07:00:00Z'),
        lastPurchaseAt: new Date('2026-03-02T09:00:00Z'),
        purchaseCount: 2,
        totalSpend: 14.75,
      },
      // Their only event is no longer a purchase nor activity: back to no facts at all.
      {
        externalId: 'h2',
        lastActivityAt: null,
        lastLoginAt: null,
        lastPurchaseAt: null,
        purchaseCount: 0,
        totalSpend: 0,
      },
    ]);
    expect(await rollupOf(HAND)).toEqual([
      { externalId: 'h1', day: '2026-03-01', activity: 1, logins: 0, purchases: 1, spend: 10.5 },
      { externalId: 'h1', day: '2026-03-02', activity: 0, logins: 0, purchases: 1, spend: 4.25 },
      // 03-03 (the old 'purchase') is gone; 03-04 keeps its login but is no longer activity.
      { externalId: 'h1', day: '2026-03-04', activity: 0, logins: 1, purchases: 0, spend: 0 },
    ]);
  });
});
