/**
 * Changing the fact definitions over the API on real parts (PostgreSQL, Temporal's time-skipping test server, a
 * worker): a changed activity definition starts the rebuild workflow and the customers' facts follow; a change
 * of stage boundaries only starts nothing; bad settings are a 400 naming the field, with nothing saved or started.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { customerDailyActivity, customers } from '@wakeflow/db';
import { factsRebuildWorkflowId, ingestEvents, upsertCustomers } from '@wakeflow/audience';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

const WORKFLOW_ID = factsRebuildWorkflowId('test');

describe('fact definitions and the facts rebuild', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;
  const db = () => bench.database.db;

  const facts = async () =>
    Object.fromEntries(
      (
        await db()
          .select({
            externalId: customers.externalId,
            last: customers.lastActivityAt,
            logins: customers.lastLoginAt,
          })
          .from(customers)
          .where(eq(customers.workspaceId, 'test'))
      ).map((r) => [
        r.externalId,
        { last: r.last?.toISOString() ?? null, login: r.logins?.toISOString() ?? null },
      ]),
    );
  const rollup = async () =>
    db()
      .select({
        day: customerDailyActivity.day,
        activity: customerDailyActivity.activityCount,
        logins: customerDailyActivity.loginCount,
      })
      .from(customerDailyActivity)
      .orderBy(asc(customerDailyActivity.day));
  const runIdOf = async () => (await bench.env.client.workflow.getHandle(WORKFLOW_ID).describe()).runId;

  beforeAll(async () => {
    bench = await createJourneyBench();
    app = createBenchApp(bench);
    await upsertCustomers(db(), 'test', [{ externalId: 'ana' }, { externalId: 'ben' }]);
    await ingestEvents(db(), 'test', [
      {
        eventId: 'a1',
        customerExternalId: 'ana',
        name: 'page_view',
        occurredAt: '2026-02-01T10:00:00Z',
        properties: {},
      },
      {
        eventId: 'a2',
        customerExternalId: 'ana',
        name: 'app_open',
        occurredAt: '2026-02-10T10:00:00Z',
        properties: {},
      },
      {
        eventId: 'b1',
        customerExternalId: 'ben',
        name: 'app_open',
        occurredAt: '2026-02-05T10:00:00Z',
        properties: {},
      },
    ]);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('has no rebuild before the first change', async () => {
    const res = await request(app).get('/api/audience/facts/rebuild');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ rebuild: null });
  });

  it('starts the rebuild when the activity definition changes, and the facts follow it', async () => {
    expect(await facts()).toEqual({
      ana: { last: '2026-02-10T10:00:00.000Z', login: null },
      ben: { last: '2026-02-05T10:00:00.000Z', login: null },
    });
    const current = (await request(app).get('/api/audience/settings')).body.settings;
    const put = await request(app)
      .put('/api/audience/settings')
      .send({
        ...current,
        activity: { mode: 'only', events: ['page_view'] },
        loginEvents: ['login', 'app_open'],
      });
    expect(put.status).toBe(200);
    expect(put.body.settings.activity).toEqual({ mode: 'only', events: ['page_view'] });
    expect(put.body.rebuild).toEqual({ workflowId: WORKFLOW_ID });

    // Started, but no worker has picked it up yet.
    const pending = await request(app).get('/api/audience/facts/rebuild');
    expect(pending.body.rebuild).toMatchObject({
      workflowId: WORKFLOW_ID,
      status: 'running',
      finishedAt: null,
    });

    await bench.withWorker(() => bench.env.client.workflow.getHandle(WORKFLOW_ID).result());
    expect(await facts()).toEqual({
      ana: { last: '2026-02-01T10:00:00.000Z', login: '2026-02-10T10:00:00.000Z' },
      ben: { last: null, login: '2026-02-05T10:00:00.000Z' },
    });
    expect(await rollup()).toEqual([
      { day: '2026-02-01', activity: 1, logins: 0 },
      { day: '2026-02-05', activity: 0, logins: 1 },
      { day: '2026-02-10', activity: 0, logins: 1 },
    ]);
    const done = await request(app).get('/api/audience/facts/rebuild');
    expect(done.body.rebuild).toMatchObject({
      workflowId: WORKFLOW_ID,
      status: 'completed',
      customersUpdated: 2,
      customersScanned: 2,
    });
    expect(done.body.rebuild.finishedAt).toEqual(expect.any(String));
  });

  it('starts nothing when only the stage boundaries change', async () => {
    const runId = await runIdOf();
    const current = (await request(app).get('/api/audience/settings')).body.settings;
    const put = await request(app)
      .put('/api/audience/settings')
      // Same events in another order is no change either.
      .send({ ...current, loginEvents: ['app_open', 'login'], dormancyStagesDays: [14, 60, 120, 300] });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      settings: { ...current, loginEvents: ['app_open', 'login'], dormancyStagesDays: [14, 60, 120, 300] },
      rebuild: null,
    });
    expect(await runIdOf()).toBe(runId);
  });

  it('lets the newest change win when a rebuild is still running', async () => {
    const current = (await request(app).get('/api/audience/settings')).body.settings;
    const first = await request(app)
      .put('/api/audience/settings')
      .send({ ...current, activity: { mode: 'only', events: ['app_open'] } });
    expect(first.body.rebuild).toEqual({ workflowId: WORKFLOW_ID });
    const firstRun = await runIdOf();
    // No worker yet: the first rebuild is still running when the next change comes.
    const second = await request(app)
      .put('/api/audience/settings')
      .send({ ...current, activity: { mode: 'all_except', events: [] } });
    expect(second.body.rebuild).toEqual({ workflowId: WORKFLOW_ID });
    const secondRun = await runIdOf();
    expect(secondRun).not.toBe(firstRun);
    expect((await bench.env.client.workflow.getHandle(WORKFLOW_ID, firstRun).describe()).status.name).toBe(
      'TERMINATED',
    );

    await bench.withWorker(() => bench.env.client.workflow.getHandle(WORKFLOW_ID).result());
    // Every event is activity now.
    expect(await facts()).toEqual({
      ana: { last: '2026-02-10T10:00:00.000Z', login: '2026-02-10T10:00:00.000Z' },
      ben: { last: '2026-02-05T10:00:00.000Z', login: '2026-02-05T10:00:00.000Z' },
    });
    expect((await request(app).get('/api/audience/facts/rebuild')).body.rebuild).toMatchObject({
      status: 'completed',
      customersUpdated: 2,
    });
  });

  it('answers bad settings with 400 naming the field, saving and starting nothing', async () => {
    const runId = await runIdOf();
    const before = (await request(app).get('/api/audience/settings')).body.settings;
    const bad = await request(app)
      .put('/api/audience/settings')
      .send({ ...before, activity: { mode: 'only', events: [] }, purchaseEvents: ['order'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([
      { path: 'body.activity.events', message: 'Name at least one event' },
    ]);
    const stages = await request(app)
      .put('/api/audience/settings')
      .send({ ...before, purchaseEvents: ['order'], dormancyStagesDays: [30, 30, 180, 365] });
    expect(stages.status).toBe(400);
    expect(stages.body.error.issues).toEqual([
      { path: 'body.dormancyStagesDays', message: 'Stage boundaries must increase' },
    ]);
    expect((await request(app).get('/api/audience/settings')).body.settings).toEqual(before);
    expect(await runIdOf()).toBe(runId);
  });
});
