/**
 * Publishing an audience-triggered journey schedules its sweep on Temporal (the real dev server: the time-skipping
 * test server has no schedules); publishing a version with another trigger removes the schedule. A publish while
 * Temporal is unreachable still goes live, and the reconciler then creates the missing schedule and deletes the
 * one of a journey no longer swept.
 */
import net, { type AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { audienceScheduleId, reconcileAudienceSchedules } from '@wakeflow/audience';
import { createAnalyticsActivities, ensureWorkspaceSchedules } from '@wakeflow/catalog';
import { segments } from '@wakeflow/db';
import { createJourneyBench, eventually, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';
import { temporalJourneyScheduler } from '../src/journeys/schedules';

/** A loopback port nothing listens on: Temporal as seen during an outage. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const graph = (trigger: { type: string; config: Record<string, unknown> }) => ({
  nodes: [
    { id: 't', ...trigger },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [{ source: 't', target: 'x' }],
});
const sweepEvery = (everyMinutes: number) =>
  graph({ type: 'audience_trigger', config: { segmentId: 'dormant', everyMinutes } });

describe('journey schedules', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench({ timeSkipping: false });
    const client = bench.env.client;
    app = createBenchApp(bench, {
      schedules: temporalJourneyScheduler(client),
    });
    await bench.database.db.insert(segments).values({
      workspaceId: 'test',
      id: 'dormant',
      name: 'Dormant',
      definition: { kind: 'tag', tag: 'dormant', has: true },
    });
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('creates the sweep schedule on publish with the trigger’s interval, and removes it when the trigger changes', async () => {
    const created = await request(app)
      .post('/api/journeys')
      .send({
        name: 'Sweep me',
        graph: graph({ type: 'audience_trigger', config: { segmentId: 'dormant', everyMinutes: 30 } }),
      });
    const id: string = created.body.id;
    expect((await request(app).post(`/api/journeys/${id}/publish`).send({})).status).toBe(201);

    const handle = bench.env.client.schedule.getHandle(audienceScheduleId('test', id));
    const described = await handle.describe();
    expect(described.spec.intervals?.[0]?.every).toBe(30 * 60_000);
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'audienceSweep',
      taskQueue: 'wakeflow-test',
    });

    const saved = await request(app)
      .put(`/api/journeys/${id}/draft`)
      .send({
        graph: graph({ type: 'api_trigger', config: {} }),
        settings: {},
        revision: created.body.draft.revision,
      });
    expect(saved.status).toBe(200);
    expect((await request(app).post(`/api/journeys/${id}/publish`).send({})).status).toBe(201);
    await expect(handle.describe()).rejects.toThrow();
  });

  it('a publish while Temporal is down goes live; the reconciler creates its schedule and deletes a stale one', async () => {
    // The stale one: swept while Temporal was up, then republished with another trigger during the outage.
    const stale = await request(app)
      .post('/api/journeys')
      .send({ name: 'No longer swept', graph: sweepEvery(15) });
    const staleId: string = stale.body.id;
    expect((await request(app).post(`/api/journeys/${staleId}/publish`).send({})).status).toBe(201);
    const staleHandle = bench.env.client.schedule.getHandle(audienceScheduleId('test', staleId));
    await staleHandle.describe();

    const connection = Connection.lazy({ address: `127.0.0.1:${await closedPort()}` });
    const down = new Client({ connection });
    try {
      const offline = createBenchApp(bench, {
        temporal: down,
        schedules: temporalJourneyScheduler(down),
      });
      const republished = await request(offline)
        .put(`/api/journeys/${staleId}/draft`)
        .send({ graph: graph({ type: 'api_trigger', config: {} }), settings: {}, revision: 1 });
      expect(republished.status).toBe(200);
      expect((await request(offline).post(`/api/journeys/${staleId}/publish`).send({})).status).toBe(201);

      const created = await request(offline)
        .post('/api/journeys')
        .send({ name: 'Published during the outage', graph: sweepEvery(45) });
      const id: string = created.body.id;
      const started = Date.now();
      const published = await request(offline).post(`/api/journeys/${id}/publish`).send({});
      expect(published.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(10_000);
      const handle = bench.env.client.schedule.getHandle(audienceScheduleId('test', id));
      await expect(handle.describe()).rejects.toThrow();
      await staleHandle.describe(); // still there: nothing could delete it

      // Temporal is back: one pass creates the missing schedule; the stale one goes once listing shows it.
      const first = await reconcileAudienceSchedules(bench.env.client, bench.database.db, 'test');
      expect(first.created).toEqual([id]);
      const described = await handle.describe();
      expect(described.spec.intervals?.[0]?.every).toBe(45 * 60_000);
      expect(described.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'audienceSweep',
        taskQueue: 'wakeflow-test',
        args: [{ workspaceId: 'test', journeyId: id }],
      });
      const deleted = new Set(first.deleted);
      for (let pass = 0; !deleted.has(staleId) && pass < 40; pass++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const next = await reconcileAudienceSchedules(bench.env.client, bench.database.db, 'test');
        expect(next.created).toEqual([]);
        for (const journeyId of next.deleted) deleted.add(journeyId);
      }
      expect([...deleted]).toEqual([staleId]);
      await expect(staleHandle.describe()).rejects.toThrow();

      // A drifted interval is put back, and a pass over a matching state changes nothing.
      await handle.update((previous) => ({
        ...previous,
        spec: { intervals: [{ every: '5 minutes' }] },
      }));
      const fixed = await reconcileAudienceSchedules(bench.env.client, bench.database.db, 'test');
      expect(fixed).toMatchObject({ created: [], updated: [id], deleted: [] });
      expect((await handle.describe()).spec.intervals?.[0]?.every).toBe(45 * 60_000);
      // The worker's periodic job runs the same pass.
      const job = createAnalyticsActivities(bench.database.db, bench.env.client).runAnalyticsJob({
        workspaceId: 'test',
        job: 'journey_schedules',
      });
      expect(await job).toEqual({
        created: [],
        updated: [],
        deleted: [],
        unchanged: 1,
      });
    } finally {
      await connection.close();
    }
  });

  it('two workers starting together create each recurring schedule once, and neither fails', async () => {
    const client = bench.env.client;
    // Every worker process calls this at start; two racing on a new workspace: one creates, the other updates.
    const starts = await Promise.allSettled([
      ensureWorkspaceSchedules(client, 'twin'),
      ensureWorkspaceSchedules(client, 'twin'),
      ensureWorkspaceSchedules(client, 'twin'),
    ]);
    expect(starts.filter((s) => s.status === 'rejected')).toEqual([]);
    for (const [scheduleId, everyMinutes] of [
      ['audience-maintenance/twin', 1440],
      ['analytics-hourly/twin', 60],
      ['analytics-daily/twin', 1440],
      ['analytics-schedules/twin', 10],
      ['run-reconciler/twin', 15],
    ] as const) {
      const described = await client.schedule.getHandle(scheduleId).describe();
      expect(
        described.spec.intervals?.map((i) => i.every),
        scheduleId,
      ).toEqual([everyMinutes * 60_000]);
      expect(described.action).toMatchObject({ taskQueue: 'wakeflow-twin' });
    }
  });

  it('checks a newly published audience at once, shows the last and next check, checks again on demand', async () => {
    await bench.customer('dormant-now', { tags: ['dormant'] });
    const created = await request(app)
      .post('/api/journeys')
      .send({ name: 'Checked at once', graph: sweepEvery(60) });
    const id: string = created.body.id;
    await bench.withWorker(async () => {
      expect((await request(app).post(`/api/journeys/${id}/publish`).send({})).status).toBe(201);
      // Not an hour later: the publish triggered the schedule.
      const first = await eventually(
        async () => {
          const res = await request(app).get(`/api/journeys/${id}/audience-check`);
          return res.body.last?.status === 'completed' ? res.body : undefined;
        },
        { what: 'the first audience check' },
      );
      expect(first).toMatchObject({ everyMinutes: 60, last: { started: 1 } });
      // Interval schedules run on the hour's multiples: the next check is on the hour, within the hour, not at
      // publish + 60 min. Read at the hour's turn, Temporal still reports the action it is about to take, so "next"
      // may be a moment in the past (CI once read it 284 ms late).
      const nextAt = Date.parse(first.nextAt);
      expect(nextAt % (60 * 60_000)).toBe(0);
      const untilNext = nextAt - Date.now();
      expect(untilNext).toBeGreaterThan(-60_000);
      expect(untilNext).toBeLessThanOrEqual(60 * 60_000);

      const now = await request(app).post(`/api/journeys/${id}/audience-check`);
      expect(now.status).toBe(202);
      await eventually(
        async () => {
          const sweeps = await request(app).get(`/api/journeys/${id}/sweeps`);
          return sweeps.body.sweeps.length === 2 && sweeps.body.sweeps[0].status === 'completed'
            ? true
            : undefined;
        },
        { what: 'the second audience check' },
      );
    });

    // A paused journey has no audience check: its schedule is gone and "check now" is refused.
    expect((await request(app).post(`/api/journeys/${id}/lifecycle`).send({ action: 'pause' })).status).toBe(
      200,
    );
    await expect(
      bench.env.client.schedule.getHandle(audienceScheduleId('test', id)).describe(),
    ).rejects.toThrow();
    const paused = await request(app).get(`/api/journeys/${id}/audience-check`);
    expect(paused.body).toMatchObject({ everyMinutes: null, nextAt: null, last: { status: 'completed' } });
    const refused = await request(app).post(`/api/journeys/${id}/audience-check`);
    expect([refused.status, refused.body.error?.code]).toEqual([409, 'no_audience_check']);
  });
});
