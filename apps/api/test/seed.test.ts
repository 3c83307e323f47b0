/** The demo seed on a fresh database: the canonical journey live, its templates and segment, CDNOW customers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { customers, events, journeys, templates } from '@wakeflow/db';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { previewSegment } from '@wakeflow/audience';
import { createCatalog } from '@wakeflow/catalog';
import { seedDemo } from '../src/demo/seed';

describe('demo seed', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('loads a live canonical journey and real CDNOW customers, once', async () => {
    const { db } = database;
    const first = await seedDemo({ db, catalog: createCatalog(), workspaceId: 'demo', customers: 120, today: new Date('2026-11-26T12:00:00Z') });
    expect(first).toMatchObject({ seeded: true, customers: 120 });
    const [journey] = await db.select().from(journeys).where(eq(journeys.workspaceId, 'demo'));
    expect(journey).toMatchObject({ status: 'live', liveVersion: 1 });
    const [c] = await db.select({ n: count() }).from(customers).where(eq(customers.workspaceId, 'demo'));
    expect(c!.n).toBe(120);
    const [e] = await db.select({ n: count() }).from(events).where(eq(events.workspaceId, 'demo'));
    expect(e!.n).toBeGreaterThan(240);
    const [t] = await db.select({ n: count() }).from(templates).where(eq(templates.workspaceId, 'demo'));
    expect(t!.n).toBe(4);
    // The CDNOW log ends today, and most of its first-quarter buyers never came back: most are dormant.
    const dormant = await previewSegment(
      db,
      'demo',
      { kind: 'event', event: 'login', window: { type: 'last', duration: { amount: 30, unit: 'days' } }, count: { op: 'eq', value: 0 } },
      { now: new Date('2026-11-26T12:00:00Z') },
    );
    expect(dormant.count).toBeGreaterThan(60);
    expect(dormant.count).toBeLessThan(120);

    const again = await seedDemo({ db, catalog: createCatalog(), workspaceId: 'demo', customers: 120 });
    expect(again.seeded).toBe(false);
    const [c2] = await db.select({ n: count() }).from(customers).where(eq(customers.workspaceId, 'demo'));
    expect(c2!.n).toBe(120);
  });
});
