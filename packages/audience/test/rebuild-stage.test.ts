/**
 * The staged facts rebuild (one scan of the events, then chunks) on real data: CDNOW purchases, with a login and a
 * browse around each, give exactly what the rebuild without a stage (each chunk reading its customers' events)
 * gives, and what ingesting under the new definitions from the start gives. A customer whose facts ingest moves
 * after the stage was taken is recomputed from its events in its chunk, so no event is lost.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import type { EventInput } from '@wakeflow/journey';
import {
  ingestEvents,
  rebuildFacts,
  saveAudienceSettings,
  upsertCustomers,
  type AudienceSettingsInput,
} from '../src/index';
import { storedFactsOf, storedRollupOf } from './helpers';

const CDNOW = new URL('../../../data/cdnow/CDNOW_master.txt', import.meta.url);
const STAGED = 'staged';
const EXACT = 'exact';
const FRESH = 'fresh';
const LATE = 'late';
const LATE_FRESH = 'late_fresh';
const PARALLEL = 'parallel';
const DAY = 86_400_000;

/** Logins and purchases are activity (browsing no longer is), store purchases count too, the amount is the CDs. */
const changed: AudienceSettingsInput = {
  activity: { mode: 'only', events: ['login', 'purchase', 'store_purchase'] },
  loginEvents: ['login'],
  purchaseEvents: ['purchase', 'store_purchase'],
  amountProperty: 'cds',
};

/** The first `rows` purchases of the CDNOW master, each with a login that day and a browse two days before. */
function cdnowEvents(rows: number): { customers: string[]; events: EventInput[] } {
  const lines = readFileSync(CDNOW, 'utf8')
    .split(/\r?\n/)
    .slice(1, rows + 1);
  const customers = new Set<string>();
  const events: EventInput[] = [];
  lines.forEach((line, i) => {
    const [customer = '', ymd = '', cds = '0', dollars = '0'] = line.trim().split(/\s+/);
    customers.add(customer);
    const at = Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(4, 6)) - 1, Number(ymd.slice(6, 8)), 15);
    const iso = (ms: number) => new Date(ms).toISOString();
    events.push(
      {
        eventId: `p-${i}`,
        customerExternalId: customer,
        // Every seventh a store purchase: not a purchase before the change, one after.
        name: i % 7 === 0 ? 'store_purchase' : 'purchase',
        occurredAt: iso(at),
        properties: { amount: Number(dollars), cds: Number(cds) },
      },
      {
        eventId: `l-${i}`,
        customerExternalId: customer,
        name: 'login',
        occurredAt: iso(at - 3_600_000),
        properties: {},
      },
      {
        eventId: `b-${i}`,
        customerExternalId: customer,
        name: 'browse',
        occurredAt: iso(at - 2 * DAY),
        properties: { depth: (i % 5) + 1 },
      },
    );
  });
  return { customers: [...customers, 'no-events'], events };
}

let t: TestDatabase;
const data = cdnowEvents(3_000);

async function load(workspaceId: string, list: EventInput[]) {
  await upsertCustomers(
    t.db,
    workspaceId,
    data.customers.map((externalId) => ({ externalId })),
  );
  for (let i = 0; i < list.length; i += 2_000)
    await ingestEvents(t.db, workspaceId, list.slice(i, i + 2_000));
}

beforeAll(async () => {
  t = await createTestDatabase({ workspaceIds: [STAGED, EXACT, FRESH, LATE, LATE_FRESH, PARALLEL] });
  await saveAudienceSettings(t.db, FRESH, changed);
  await saveAudienceSettings(t.db, LATE_FRESH, changed);
  for (const ws of [STAGED, EXACT, FRESH, LATE, PARALLEL]) await load(ws, data.events);
});
afterAll(async () => {
  await t?.drop();
});

describe('rebuildFacts with a stage', () => {
  it('gives on CDNOW data exactly what the rebuild without a stage and ingest under the new definitions give', async () => {
    const before = await storedFactsOf(t.db, STAGED);
    expect(before).not.toEqual(await storedFactsOf(t.db, FRESH));
    await saveAudienceSettings(t.db, STAGED, changed);
    await saveAudienceSettings(t.db, EXACT, changed);

    const staged = await rebuildFacts(t.db, STAGED, { chunkSize: 250, concurrency: 1 });
    const exact = await rebuildFacts(t.db, EXACT, { chunkSize: 250, staging: false });

    const facts = await storedFactsOf(t.db, STAGED);
    expect(facts.length).toBeGreaterThan(500);
    expect(facts).toEqual(await storedFactsOf(t.db, EXACT));
    expect(facts).toEqual(await storedFactsOf(t.db, FRESH));
    const rollup = await storedRollupOf(t.db, STAGED);
    expect(rollup).toEqual(await storedRollupOf(t.db, EXACT));
    expect(rollup).toEqual(await storedRollupOf(t.db, FRESH));
    // The same rows written and deleted; nobody changed during the rebuild, so nobody was recomputed.
    expect(staged).toMatchObject({
      customersScanned: exact.customersScanned,
      customersUpdated: exact.customersUpdated,
      rollupRowsWritten: exact.rollupRowsWritten,
      rollupRowsDeleted: exact.rollupRowsDeleted,
      customersRecomputed: 0,
    });
    expect(staged.customersUpdated).toBeGreaterThan(500);
    expect(staged.stageMs).toBeGreaterThanOrEqual(0);
  });

  it('applies every chunk of the stage exactly once with two connections', async () => {
    await saveAudienceSettings(t.db, PARALLEL, changed);
    const chunks: (number | null)[] = [];
    let customers = 0;
    const result = await rebuildFacts(t.db, PARALLEL, {
      chunkSize: 40,
      concurrency: 2,
      onChunk: (_, chunk) => {
        chunks.push(chunk.chunk);
        customers += chunk.customers;
      },
    });

    expect(await storedFactsOf(t.db, PARALLEL)).toEqual(await storedFactsOf(t.db, FRESH));
    expect(await storedRollupOf(t.db, PARALLEL)).toEqual(await storedRollupOf(t.db, FRESH));
    // Chunks 0 … n − 1 of the stage, each once (in any order), covering every customer once; nobody was created
    // after the stage, so no chunk by id followed.
    const count = Math.ceil(data.customers.length / 40);
    expect([...chunks].sort((a, b) => (a ?? -1) - (b ?? -1))).toEqual(
      Array.from({ length: count }, (_, i) => i),
    );
    expect(customers).toBe(data.customers.length);
    expect(result.customersScanned).toBe(data.customers.length);
  });

  it('recomputes from the events a customer whose facts ingest moved after the stage was taken', async () => {
    // A month after CDNOW's end, every customer buys in store and logs in: ingested while the rebuild runs, right
    // after its first chunk, so all later chunks meet customers newer than the stage.
    const end = Date.UTC(1998, 6, 30, 12);
    const later: EventInput[] = data.customers.flatMap((customer, i) => [
      {
        eventId: `late-p-${i}`,
        customerExternalId: customer,
        name: 'store_purchase',
        occurredAt: new Date(end + (i % 20) * DAY).toISOString(),
        properties: { amount: 9.99, cds: 2 },
      },
      {
        eventId: `late-l-${i}`,
        customerExternalId: customer,
        name: 'login',
        occurredAt: new Date(end + (i % 20) * DAY + 60_000).toISOString(),
        properties: {},
      },
    ]);
    await load(LATE_FRESH, [...data.events, ...later]);

    await saveAudienceSettings(t.db, LATE, changed);
    let ingested = false;
    const result = await rebuildFacts(t.db, LATE, {
      chunkSize: 100,
      // One connection, so that every chunk after the first starts after the late events are in.
      concurrency: 1,
      onChunk: async () => {
        if (ingested) return;
        ingested = true;
        // Under the new definitions already (the rebuild is about to make the stored facts agree with them).
        for (let i = 0; i < later.length; i += 2_000)
          await ingestEvents(t.db, LATE, later.slice(i, i + 2_000));
      },
    });

    expect(await storedFactsOf(t.db, LATE)).toEqual(await storedFactsOf(t.db, LATE_FRESH));
    expect(await storedRollupOf(t.db, LATE)).toEqual(await storedRollupOf(t.db, LATE_FRESH));
    // Everyone after the first chunk (and their late events) went through their events, not the stage.
    expect(result.customersRecomputed).toBe(result.customersScanned - 100);
  });
});
