/**
 * The HTTP API on real parts: PostgreSQL, Temporal's test server and a worker. Bad input gets clean 4xx JSON with
 * field paths and writes nothing; journeys go from draft to published versions; runs start and show up.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { customers, events, journeys, segments, templates } from '@wakeflow/db';
import { DEFAULT_EVENT_MAX_FUTURE_SKEW_MS, setEventMaxFutureSkew } from '@wakeflow/journey';
import { createJourneyBench, eventually, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

type Worker = Awaited<ReturnType<JourneyBench['newWorker']>>;

describe('API', () => {
  let bench: JourneyBench;
  let worker: Worker;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench();
    await bench.relaxSendingRules();
    worker = await bench.newWorker();
    app = createBenchApp(bench);
    const db = bench.database.db;
    await db.insert(templates).values([
      {
        workspaceId: 'test',
        id: 'welcome',
        channel: 'email',
        name: 'Welcome',
        subject: 'Hi',
        body: 'Hello {{ customer.firstName }}',
      },
    ]);
    await db.insert(segments).values({
      workspaceId: 'test',
      id: 'dormant',
      name: 'Dormant',
      definition: { kind: 'tag', tag: 'dormant', has: true },
    });
  });
  afterAll(async () => {
    await bench?.close();
  });

  describe('bad input', () => {
    it('answers unknown routes with a JSON 404', async () => {
      const res = await request(app).get('/api/nope');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'route_not_found', message: 'No route GET /nope' } });
    });

    it('answers malformed JSON with a 400 and no stack trace', async () => {
      const res = await request(app)
        .post('/api/journeys')
        .set('content-type', 'application/json')
        .send('{"name": ');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_json');
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    });

    it('names every bad field', async () => {
      const res = await request(app)
        .post('/api/journeys')
        .send({ name: '', graph: { nodes: [{ id: 'a b', type: 'exit' }], edges: [] } });
      expect(res.status).toBe(400);
      expect(res.body.error.issues).toEqual(
        expect.arrayContaining([
          { path: 'body.name', message: 'Give the journey a name' },
          { path: 'body.graph.nodes.0.id', message: 'Step ids use letters, digits, _ and - only' },
        ]),
      );
    });

    it('refuses a whole event batch with one bad event and stores none of it', async () => {
      const res = await request(app)
        .post('/api/events/batch')
        .send({
          events: [
            { eventId: 'ok-1', customerExternalId: 'c1', name: 'login', occurredAt: '2026-11-01T10:00:00Z' },
            { eventId: 'bad-1', customerExternalId: 'c1', name: 'login', occurredAt: 'yesterday' },
          ],
        });
      expect(res.status).toBe(400);
      expect(res.body.error.issues[0].path).toBe('body.events.1.occurredAt');
      const [stored] = await bench.database.db.select({ n: count() }).from(events);
      expect(stored!.n).toBe(0);
    });

    it('answers ids of the wrong shape and unknown ids with 400 and 404', async () => {
      expect((await request(app).get('/api/journeys/not-a-uuid')).status).toBe(400);
      expect((await request(app).get('/api/journeys/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });

    it('takes the workspace from the principal: a header naming another workspace changes nothing', async () => {
      const res = await request(app).get('/api/auth/me').set('x-wakeflow-workspace', 'someone-else');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ kind: 'local', workspaceId: 'test' });
    });
  });

  describe('journeys', () => {
    it('goes from template to draft to published version, refusing conflicts and problems', async () => {
      const created = await request(app).post('/api/journeys').send({ name: 'Welcome back' });
      expect(created.status).toBe(201);
      const id: string = created.body.id;
      expect(created.body.draft.revision).toBe(1);

      const broken = {
        nodes: [
          { id: 'trigger', type: 'audience_trigger', config: { segmentId: 'dormant' } },
          { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'no-such-template' } },
        ],
        edges: [{ source: 'trigger', outcome: 'next', target: 'mail' }],
      };
      const saved = await request(app)
        .put(`/api/journeys/${id}/draft`)
        .send({ graph: broken, settings: {}, revision: 1 });
      expect(saved.status).toBe(200);
      expect(saved.body.revision).toBe(2);

      const stale = await request(app)
        .put(`/api/journeys/${id}/draft`)
        .send({ graph: broken, settings: {}, revision: 1 });
      expect(stale.status).toBe(409);
      expect(stale.body.error).toMatchObject({ code: 'draft_conflict', currentRevision: 2 });

      const validated = await request(app).post(`/api/journeys/${id}/validate`).send({});
      expect(
        validated.body.problems.map((p: { code: string; nodeId: string }) => [p.code, p.nodeId]),
      ).toEqual(
        expect.arrayContaining([
          ['unknown_template', 'mail'],
          ['dangling_outcome', 'mail'],
        ]),
      );
      const refused = await request(app).post(`/api/journeys/${id}/publish`).send({ revision: 2 });
      expect(refused.status).toBe(422);
      expect(refused.body.error.problems.length).toBeGreaterThanOrEqual(2);

      const fixed = {
        nodes: [
          ...broken.nodes.slice(0, 1),
          { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'welcome' } },
          { id: 'done', type: 'exit', config: { outcome: 'sent' } },
        ],
        edges: [...broken.edges, { source: 'mail', outcome: 'next', target: 'done' }],
      };
      expect(
        (
          await request(app)
            .put(`/api/journeys/${id}/draft`)
            .send({ graph: fixed, settings: {}, revision: 2 })
        ).status,
      ).toBe(200);
      const published = await request(app).post(`/api/journeys/${id}/publish`).send({ revision: 3 });
      expect(published.status).toBe(201);
      expect(published.body).toMatchObject({ version: 1, planHash: expect.stringMatching(/^[0-9a-f]{64}$/) });

      const versions = await request(app).get(`/api/journeys/${id}/versions`);
      expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1]);
      const version = await request(app).get(`/api/journeys/${id}/versions/1`);
      expect(version.body.graph).toEqual(
        JSON.parse(JSON.stringify({ ...fixed, nodes: fixed.nodes.map((n) => ({ ...n })) })),
      );
      const [row] = await bench.database.db.select().from(journeys).where(eq(journeys.id, id));
      expect(row).toMatchObject({ status: 'live', liveVersion: 1 });
    });

    it('lists the node catalog with JSON Schemas and the journey templates', async () => {
      const catalog = await request(app).get('/api/node-catalog');
      const send = catalog.body.nodes.find((n: { type: string }) => n.type === 'send');
      expect(send.configSchema.properties.channel.enum).toEqual(['email', 'sms', 'push']);
      const templatesRes = await request(app).get('/api/journey-templates');
      expect(templatesRes.body.templates.map((t: { id: string }) => t.id)).toContain('win-back-30d');
    });
  });

  describe('customers, events and runs', () => {
    it('enters a customer through the API and shows the run with its steps and message', async () => {
      const upsert = await request(app)
        .put('/api/customers/api-1')
        .send({ email: 'api-1@example.com', consent: { email: true }, firstName: 'Ada' });
      expect(upsert.status).toBe(200);
      const [customer] = await bench.database.db
        .select()
        .from(customers)
        .where(eq(customers.externalId, 'api-1'));
      expect(customer).toMatchObject({ email: 'api-1@example.com', firstName: 'Ada' });

      const created = await request(app)
        .post('/api/journeys')
        .send({
          name: 'API entry',
          graph: {
            nodes: [
              { id: 't', type: 'api_trigger', config: {} },
              { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'welcome' } },
              { id: 'x', type: 'exit', config: { outcome: 'done' } },
            ],
            edges: [
              { source: 't', target: 'mail' },
              { source: 'mail', target: 'x' },
            ],
          },
        });
      const id: string = created.body.id;
      expect(
        (await request(app).post(`/api/journeys/${id}/runs`).send({ customerExternalId: 'api-1' })).status,
      ).toBe(409);
      expect((await request(app).post(`/api/journeys/${id}/publish`).send({})).status).toBe(201);
      const unknown = await request(app)
        .post(`/api/journeys/${id}/runs`)
        .send({ customerExternalId: 'nobody' });
      expect(unknown.status).toBe(404);

      const started = await request(app)
        .post(`/api/journeys/${id}/runs`)
        .send({ customerExternalId: 'api-1', properties: { source: 'test' } });
      expect(started.status).toBe(201);
      await worker.runUntil(bench.env.client.workflow.getHandle(started.body.workflowId).result());
      const again = await request(app).post(`/api/journeys/${id}/runs`).send({ customerExternalId: 'api-1' });
      expect(again.body).toMatchObject({ started: false, reason: 'reentry_not_allowed' });

      const list = await request(app).get('/api/runs').query({ journeyId: id });
      expect(list.body.runs).toHaveLength(1);
      expect(list.body.runs[0]).toMatchObject({
        status: 'completed',
        outcome: 'done',
        customerExternalId: 'api-1',
      });
      const detail = await request(app).get(`/api/runs/${list.body.runs[0].id}`);
      expect(detail.body.steps.map((s: { nodeId: string }) => s.nodeId)).toEqual(['t', 'mail', 'x']);
      expect(detail.body.messages).toEqual([
        expect.objectContaining({ channel: 'email', templateId: 'welcome', status: 'sent' }),
      ]);

      const history = await request(app).get(`/api/runs/${list.body.runs[0].id}/history`);
      expect(history.status).toBe(200);
      expect(history.body.events.length).toBeGreaterThan(10);
      const replayed = await request(app).post(`/api/runs/${list.body.runs[0].id}/replay`).send({});
      expect(replayed.body).toMatchObject({ ok: true });
      const uploaded = await request(app).post('/api/replay').send({ history: history.body });
      expect(uploaded.body).toMatchObject({ ok: true });
      const junk = await request(app)
        .post('/api/replay')
        .send({ history: { nope: 1 } });
      expect(junk.status).toBe(400);
      expect(junk.body.error.issues[0].path).toBe('body.history');

      const stats = await request(app).get(`/api/journeys/${id}/stats`);
      expect(stats.body).toMatchObject({
        version: 1,
        running: 0,
        exits: { done: 1 },
        nodes: { t: { entered: 1, passed: 1, waiting: 0 } },
      });
    });

    it('lets events imported from CSV reach a waiting run, like events sent to the ingest API', async () => {
      expect(
        (await request(app).put('/api/customers/csv-waiter').send({ email: 'waiter@example.com' })).status,
      ).toBe(200);
      const created = await request(app)
        .post('/api/journeys')
        .send({
          name: 'Waits for a login',
          graph: {
            nodes: [
              { id: 't', type: 'api_trigger', config: {} },
              {
                id: 'w',
                type: 'wait_for_event',
                config: { events: [{ event: 'login' }], timeout: { amount: 7, unit: 'days' } },
              },
              { id: 'back', type: 'exit', config: { outcome: 'came_back' } },
              { id: 'gone', type: 'exit', config: { outcome: 'stayed_away' } },
            ],
            edges: [
              { source: 't', target: 'w' },
              { source: 'w', outcome: 'login', target: 'back' },
              { source: 'w', outcome: 'timeout', target: 'gone' },
            ],
          },
        });
      const id: string = created.body.id;
      expect((await request(app).post(`/api/journeys/${id}/publish`).send({})).status).toBe(201);
      const started = await request(app)
        .post(`/api/journeys/${id}/runs`)
        .send({ customerExternalId: 'csv-waiter' });
      expect(started.status).toBe(201);
      const handle = bench.env.client.workflow.getHandle(started.body.workflowId);

      // A worker runs once (runUntil shuts it down), so this test gets its own.
      const waitingWorker = await bench.newWorker();
      await waitingWorker.runUntil(async () => {
        // Only awaiting the result lets the test server skip time, so the 7-day timeout cannot fire while we poll.
        await eventually(
          async () => {
            const stats = await request(app).get(`/api/journeys/${id}/stats`);
            return stats.body.nodes?.w?.waiting === 1 ? true : undefined;
          },
          { what: 'the run waiting at w' },
        );
        const csv = [
          'event_id,customer_external_id,name,occurred_at',
          // The test server's clock, which earlier tests moved ahead: a wait counts only events that occurred on or
          // after it began, so a real-clock time would be an old event to it.
          `csv-wait-login,csv-waiter,login,${new Date(await bench.env.currentTimeMs()).toISOString()}`,
        ].join('\n');
        // Ingest refuses events dated beyond the future skew by the real clock; the test server's is days ahead.
        const lead = (await bench.env.currentTimeMs()) - Date.now();
        setEventMaxFutureSkew(Math.max(lead, 0) + DEFAULT_EVENT_MAX_FUTURE_SKEW_MS);
        const imported = await request(app)
          .post('/api/events/import')
          .set('content-type', 'text/csv')
          .send(csv);
        setEventMaxFutureSkew(DEFAULT_EVENT_MAX_FUTURE_SKEW_MS);
        // The import answers once the rows are stored; the outbox drainer routes them right after.
        expect(imported.body).toEqual({ rows: 1, imported: 1, duplicates: 0, errors: [], rejected: false });
        // Before awaiting the result, which lets the test server skip past the wait's timeout.
        await bench.outbox.drainAll();
        await handle.result();
      });
      const list = await request(app).get('/api/runs').query({ journeyId: id });
      expect(list.body.runs[0]).toMatchObject({ status: 'completed', outcome: 'came_back' });
    });
  });
});
