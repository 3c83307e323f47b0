/**
 * `GET /api/audience/dormancy/history` on the bench app: the snapshots of the range (zeros included, a tier filter),
 * another workspace's snapshots never shown, and bad dates answered 400 naming the field.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaces } from '@wakeflow/db';
import { ingestEvents, snapshotDormancy, upsertCustomers } from '@wakeflow/audience';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

const DAY = 86_400_000;

describe('dormancy history API', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench();
    app = createBenchApp(bench);
    const { db } = bench.database;
    await db.insert(workspaces).values({ id: 'other', name: 'other' }).onConflictDoNothing();
    await upsertCustomers(db, 'test', [{ externalId: 'fresh' }, { externalId: 'quiet' }]);
    const now = new Date('2026-05-10T12:00:00Z');
    await ingestEvents(db, 'test', [
      {
        eventId: 'f1',
        customerExternalId: 'fresh',
        name: 'login',
        properties: {},
        occurredAt: new Date(now.getTime() - 2 * DAY).toISOString(),
      },
      {
        eventId: 'q1',
        customerExternalId: 'quiet',
        name: 'login',
        properties: {},
        occurredAt: new Date(now.getTime() - 45 * DAY).toISOString(),
      },
    ]);
    await snapshotDormancy(db, 'test', { now: new Date(now.getTime() - DAY) });
    await snapshotDormancy(db, 'test', { now });
    await upsertCustomers(db, 'other', [{ externalId: 'elsewhere' }]);
    await snapshotDormancy(db, 'other', { now });
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('answers the days in range with every stage × tier cell', async () => {
    const res = await request(app)
      .get('/api/audience/dormancy/history')
      .query({ from: '2026-05-01', to: '2026-05-10' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      from: '2026-05-01',
      to: '2026-05-10',
      days: ['2026-05-09', '2026-05-10'],
    });
    expect(res.body.stages).toContain('dormant_1_3m');
    expect(res.body.tiers).toEqual(['high', 'mid', 'low', 'unscored']);
    expect(res.body.cells).toHaveLength(2 * 6 * 4);
    const nonZero = (
      res.body.cells as { day: string; stage: string; tier: string; customers: number }[]
    ).filter((c) => c.customers > 0);
    expect(nonZero).toEqual([
      { day: '2026-05-09', stage: 'active', tier: 'unscored', customers: 1 },
      { day: '2026-05-09', stage: 'dormant_1_3m', tier: 'unscored', customers: 1 },
      { day: '2026-05-10', stage: 'active', tier: 'unscored', customers: 1 },
      { day: '2026-05-10', stage: 'dormant_1_3m', tier: 'unscored', customers: 1 },
    ]);
  });

  it('filters by tier and leaves days outside the range out', async () => {
    const res = await request(app)
      .get('/api/audience/dormancy/history')
      .query({ from: '2026-05-10', to: '2026-05-10', tier: 'high' });
    expect(res.status).toBe(200);
    expect(res.body.days).toEqual(['2026-05-10']);
    expect(res.body.tiers).toEqual(['high']);
    expect(res.body.cells).toHaveLength(6);
    expect(
      res.body.cells.every(
        (c: { tier: string; customers: number }) => c.tier === 'high' && c.customers === 0,
      ),
    ).toBe(true);
  });

  it('answers 400 naming the field for a bad date, an impossible day, a reversed range or an unknown tier', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ from: 'last-week' }, 'query.from'],
      [{ from: '2026-02-30' }, 'query.from'],
      [{ from: '2026-05-01', to: '2026-13-01' }, 'query.to'],
      [{ from: '2026-05-10', to: '2026-05-01' }, 'query.from'],
      [{ tier: 'gold' }, 'query.tier'],
    ];
    for (const [query, path] of cases) {
      const res = await request(app).get('/api/audience/dormancy/history').query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
  });
});
