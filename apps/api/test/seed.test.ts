/** The demo seed on a fresh database: the canonical journey live, its templates and segment, CDNOW customers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { customers, events, journeys, journeyVersions, templates } from '@wakeflow/db';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { dormancyHistory, previewSegment } from '@wakeflow/audience';
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
    const first = await seedDemo({
      db,
      catalog: createCatalog(),
      workspaceId: 'demo',
      customers: 120,
      today: new Date('2026-11-26T12:00:00Z'),
    });
    expect(first).toMatchObject({ seeded: true, customers: 120 });
    const [journey] = await db.select().from(journeys).where(eq(journeys.workspaceId, 'demo'));
    expect(journey).toMatchObject({ status: 'live', liveVersion: 1 });
    // Its results mean something from day one: reactivation is defined and a holdout measures the lift.
    const [version] = await db
      .select({ plan: journeyVersions.plan })
      .from(journeyVersions)
      .where(eq(journeyVersions.journeyId, journey!.id));
    expect((version!.plan as { settings: unknown }).settings).toMatchObject({
      holdoutPercent: 10,
      conversion: { events: ['login', 'purchase'], window: { amount: 14, unit: 'days' }, from: 'entry' },
    });
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
      {
        kind: 'event',
        event: 'login',
        window: { type: 'last', duration: { amount: 30, unit: 'days' } },
        count: { op: 'eq', value: 0 },
      },
      { now: new Date('2026-11-26T12:00:00Z') },
    );
    expect(dormant.count).toBeGreaterThan(60);
    expect(dormant.count).toBeLessThan(120);

    const again = await seedDemo({ db, catalog: createCatalog(), workspaceId: 'demo', customers: 120 });
    expect(again.seeded).toBe(false);
    const [c2] = await db.select({ n: count() }).from(customers).where(eq(customers.workspaceId, 'demo'));
    expect(c2!.n).toBe(120);
  });

  it('leaves a dormancy trend: past days rebuilt from the shifted CDNOW history, today from the customers', async () => {
    const history = await dormancyHistory(database.db, 'demo', { from: '2025-01-01', to: '2026-11-26' });
    // CDNOW spans 1997-01..1998-06, shifted to end on 2026-11-26: about 18 months of days.
    expect(history.days.length).toBeGreaterThan(500);
    expect(history.days.at(-1)).toBe('2026-11-26');
    const count = (day: string, stage?: string) =>
      history.cells
        .filter((c) => c.day === day && (!stage || c.stage === stage))
        .reduce((s, c) => s + c.customers, 0);
    const today = '2026-11-26';
    expect(count(today)).toBe(120);
    // Everyone is active in the first weeks; by the end most have lapsed, many for over a year.
    const peakActive = Math.max(...history.days.map((d) => count(d, 'active')));
    expect(peakActive).toBeGreaterThan(count(today, 'active'));
    expect(count(history.days[0]!, 'dormant_12m_plus')).toBe(0);
    expect(count(today, 'dormant_12m_plus')).toBeGreaterThan(0);
    // Tiers come from the seed's RFM recompute.
    expect(history.cells.some((c) => c.day === today && c.tier === 'high' && c.customers > 0)).toBe(true);
  });
});
