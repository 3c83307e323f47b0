/**
 * `GET /api/analytics/churn-model/validation` on PostgreSQL with the demo's CDNOW sample (2,357 customers, dates
 * shifted so the last purchase is today): with a 273-day (39-week) holdout the split is the classic one of Fader,
 * Hardie & Lee (2005), so the check reproduces the figures of the pure calibration/holdout test
 * (packages/analytics/src/churn/holdout.test.ts) through the purchase rollup the refit reads.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChurnValidation } from '@wakeflow/contracts';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { seedDemo } from '../src/demo/seed';
import { createBenchApp } from './support/bench-app';

describe('churn model validation', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench();
    app = createBenchApp(bench);
    const today = new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);
    await seedDemo({
      db: bench.database.db,
      catalog: bench.catalog,
      workspaceId: 'test',
      customers: 2357,
      today,
    });
  }, 120_000);
  afterAll(async () => {
    await bench?.close();
  });

  it('sets predicted beside actual holdout purchases, per calibration frequency and in total', async () => {
    const res = await request(app).get('/api/analytics/churn-model/validation?holdoutDays=273');
    expect(res.status).toBe(200);
    const body = res.body as ChurnValidation;
    expect(body.customers).toBe(2357);
    expect(body.holdoutDays).toBe(273);
    expect(body.totalActual).toBe(1882);
    expect(body.totalPredicted).toBeGreaterThan(1653 * 0.995);
    expect(body.totalPredicted).toBeLessThan(1654 * 1.005);
    expect(body.groups.map((g) => g.customers)).toEqual([1411, 439, 214, 100, 62, 38, 93]);

    const refit = await request(app).post('/api/analytics/churn-model/refit').send({});
    expect(refit.status).toBe(201);
    // The refit validates itself on the later half of the history (same customers who bought by then).
    expect((refit.body as { validation: ChurnValidation | null }).validation?.holdoutDays).toBeGreaterThan(
      200,
    );
  });

  it('names the field of a bad holdout', async () => {
    const res = await request(app).get('/api/analytics/churn-model/validation?holdoutDays=2');
    expect(res.status).toBe(400);
    expect((res.body as { error: { issues: { path: string }[] } }).error.issues[0]?.path).toBe(
      'query.holdoutDays',
    );
  });
});
