/**
 * Inputs that would corrupt a customer for good are refused at every entry point with a 400 naming the field, and
 * nothing is stored: events dated beyond the future skew, negative purchase amounts (unless the fact definitions
 * allow refunds), external ids the batch route would trim or refuse. Facts never move past now even for an event
 * that got in. Unknown journeys are 404. Temporal or PostgreSQL unreachable is a quick 503 with Retry-After.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { connect, customers, events } from '@wakeflow/db';
import { ingestEvents, saveAudienceSettings } from '@wakeflow/audience';
import { createEventRouter, createRunStarter } from '@wakeflow/temporal';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { connectApiTemporalClient } from '../src/temporal-client';
import { createBenchApp } from './support/bench-app';

const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

/** A loopback port nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('input rules and honest errors', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;
  const db = () => bench.database.db;

  const storedEvents = async (eventIds: string[]) =>
    db().select({ eventId: events.eventId }).from(events).where(inArray(events.eventId, eventIds));
  const customerRow = async (externalId: string) =>
    (
      await db()
        .select()
        .from(customers)
        .where(and(eq(customers.workspaceId, 'test'), eq(customers.externalId, externalId)))
    )[0];

  beforeAll(async () => {
    bench = await createJourneyBench();
    app = createBenchApp(bench);
    await bench.customer('dora');
  });
  afterAll(async () => bench?.close());

  describe('events dated in the future', () => {
    it('refuses one event dated 2199, naming occurredAt, and stores nothing', async () => {
      const res = await request(app).post('/api/events').send({
        eventId: 'future-1',
        customerExternalId: 'dora',
        name: 'login',
        occurredAt: '2199-01-01T00:00:00Z',
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.issues).toEqual([
        { path: 'body.occurredAt', message: expect.stringMatching(/future/) },
      ]);
      expect(await storedEvents(['future-1'])).toEqual([]);
      expect((await customerRow('dora'))?.lastActivityAt).toBeNull();
    });

    it('refuses a batch with one future event, naming its index, and stores none of it', async () => {
      const batch = [0, 1, 2].map((i) => ({
        eventId: `batch-ok-${i}`,
        customerExternalId: 'dora',
        name: 'login',
        occurredAt: inHours(-1),
      }));
      const res = await request(app)
        .post('/api/events/batch')
        .send({
          events: [
            ...batch,
            { eventId: 'batch-future', customerExternalId: 'dora', name: 'login', occurredAt: inHours(2) },
          ],
        });
      expect(res.status).toBe(400);
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual([
        'body.events.3.occurredAt',
      ]);
      expect(await storedEvents([...batch.map((e) => e.eventId), 'batch-future'])).toEqual([]);
    });

    it('accepts an event a minute ahead (clock skew within the default five minutes)', async () => {
      const res = await request(app)
        .post('/api/events')
        .send({
          eventId: 'skewed-1',
          customerExternalId: 'dora',
          name: 'browse',
          occurredAt: inHours(1 / 60),
        });
      expect(res.status).toBe(202);
      expect(await storedEvents(['skewed-1'])).toHaveLength(1);
    });

    it('reports a future row of a CSV import and stores the others', async () => {
      const csv = [
        'eventId,customerExternalId,name,occurredAt',
        `csv-past,dora,browse,${inHours(-2)}`,
        'csv-future,dora,browse,2199-01-01T00:00:00Z',
      ].join('\n');
      const res = await request(app).post('/api/events/import').set('content-type', 'text/csv').send(csv);
      expect(res.status).toBe(200);
      expect(res.body.errors).toEqual([
        { line: 3, column: 'occurredAt', problem: expect.stringMatching(/future/) },
      ]);
      expect((await storedEvents(['csv-past', 'csv-future'])).map((e) => e.eventId)).toEqual(['csv-past']);
    });

    it('keeps facts at or before now even for a future event that got past the API', async () => {
      await bench.customer('zeno');
      await ingestEvents(db(), 'test', [
        {
          eventId: 'zeno-2199',
          customerExternalId: 'zeno',
          name: 'login',
          properties: {},
          occurredAt: '2199-01-01T00:00:00Z',
        },
      ]);
      const zeno = await customerRow('zeno');
      expect(zeno?.lastActivityAt).not.toBeNull();
      expect(zeno!.lastActivityAt!.getTime()).toBeLessThanOrEqual(Date.now());
      expect(zeno!.lastLoginAt!.getTime()).toBeLessThanOrEqual(Date.now());
    });
  });

  describe('purchase amounts', () => {
    it('refuses a negative purchase amount unless the definitions allow refunds', async () => {
      await bench.customer('penny');
      const buy = (eventId: string, amount: unknown) => ({
        eventId,
        customerExternalId: 'penny',
        name: 'purchase',
        properties: { amount },
        occurredAt: inHours(-1),
      });

      const one = await request(app).post('/api/events').send(buy('refund-1', -1_000_000));
      expect(one.status).toBe(400);
      expect(one.body.error.issues).toEqual([
        { path: 'body.properties.amount', message: expect.stringMatching(/negative/) },
      ]);
      // A numeric string counts as the number, as the facts SQL reads it.
      const batch = await request(app)
        .post('/api/events/batch')
        .send({ events: [buy('buy-1', 20), buy('refund-2', '-5')] });
      expect(batch.status).toBe(400);
      expect(batch.body.error.issues.map((i: { path: string }) => i.path)).toEqual([
        'body.events.1.properties.amount',
      ]);
      const csv = await request(app)
        .post('/api/events/import')
        .set('content-type', 'text/csv')
        .send(
          `eventId,customerExternalId,name,occurredAt,properties.amount\nrefund-3,penny,purchase,${inHours(-1)},-7\n`,
        );
      expect(csv.body.errors).toEqual([
        { line: 2, column: 'properties.amount', problem: expect.stringMatching(/negative/) },
      ]);
      expect(await storedEvents(['refund-1', 'buy-1', 'refund-2', 'refund-3'])).toEqual([]);
      expect(Number((await customerRow('penny'))?.totalSpend)).toBe(0);

      // A negative amount on an event that is not a purchase is no spend at all, so it is not checked.
      const browse = await request(app)
        .post('/api/events')
        .send({ ...buy('browse-neg', -3), name: 'browse' });
      expect(browse.status).toBe(202);

      expect((await request(app).post('/api/events').send(buy('buy-2', 50))).status).toBe(202);
      await saveAudienceSettings(db(), 'test', { allowRefunds: true });
      expect((await request(app).post('/api/events').send(buy('refund-4', -20))).status).toBe(202);
      expect(Number((await customerRow('penny'))?.totalSpend)).toBe(30);
      await saveAudienceSettings(db(), 'test', {});
    });
  });

  describe('external ids', () => {
    it('validates the single-customer route like the batch route: bounded and trimmed', async () => {
      const long = 'x'.repeat(5000);
      const tooLong = await request(app).put(`/api/customers/${long}`).send({});
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.issues).toEqual([
        { path: 'params.externalId', message: 'At most 200 characters' },
      ]);
      const [counted] = await db()
        .select({ n: sql<number>`count(*)::int` })
        .from(customers)
        .where(sql`length(${customers.externalId}) > 200`);
      expect(counted?.n).toBe(0);

      const batch = await request(app)
        .post('/api/customers/batch')
        .send({ customers: [{ externalId: ' trim-me ' }] });
      expect(batch.status).toBe(200);
      const single = await request(app).put('/api/customers/%20trim-me%20').send({ firstName: 'Tim' });
      expect(single.status).toBe(200);
      expect(single.body.customer.externalId).toBe('trim-me');
      const rows = await db()
        .select({ externalId: customers.externalId, firstName: customers.firstName })
        .from(customers)
        .where(sql`trim(${customers.externalId}) = 'trim-me'`);
      expect(rows).toEqual([{ externalId: 'trim-me', firstName: 'Tim' }]);

      const blank = await request(app).put('/api/customers/%20%20').send({});
      expect(blank.status).toBe(400);
      expect(blank.body.error.issues[0].path).toBe('params.externalId');
    });
  });

  describe('entering a customer', () => {
    it('answers 404 for a journey that does not exist and 409 for one that is not live', async () => {
      const missing = await request(app)
        .post('/api/journeys/00000000-0000-4000-8000-000000000000/runs')
        .send({ customerExternalId: 'dora' });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('not_found');

      const draft = await request(app)
        .post('/api/journeys')
        .send({
          name: 'Never published',
          graph: {
            nodes: [
              { id: 't', type: 'api_trigger', config: {} },
              { id: 'x', type: 'exit', config: { outcome: 'done' } },
            ],
            edges: [{ source: 't', target: 'x' }],
          },
        });
      const notLive = await request(app)
        .post(`/api/journeys/${draft.body.id}/runs`)
        .send({ customerExternalId: 'dora' });
      expect(notLive.status).toBe(409);
      expect(notLive.body.error.code).toBe('journey_not_live');
    });
  });

  describe('outages', () => {
    it('answers 503 temporal_unavailable with Retry-After within seconds when Temporal is unreachable', async () => {
      const { client, connection } = await connectApiTemporalClient(
        { address: `127.0.0.1:${await closedPort()}`, namespace: 'default' },
        { lazy: true },
      );
      try {
        const starter = createRunStarter({ db: db(), client });
        const down = createBenchApp(bench, {
          temporal: client,
          starter,
          events: createEventRouter({ db: db(), client, starter }),
        });
        const { journeyId } = await bench.publish({
          nodes: [
            { id: 't', type: 'api_trigger', config: {} },
            { id: 'x', type: 'exit', config: { outcome: 'done' } },
          ],
          edges: [{ source: 't', target: 'x' }],
        });
        const started = Date.now();
        const res = await request(down)
          .post(`/api/journeys/${journeyId}/runs`)
          .send({ customerExternalId: 'dora' });
        const elapsed = Date.now() - started;
        expect(res.status).toBe(503);
        expect(res.body.error).toMatchObject({
          code: 'temporal_unavailable',
          message: 'Temporal is unreachable; retry shortly',
        });
        expect(res.headers['retry-after']).toBe('5');
        expect(elapsed).toBeLessThan(5_000);
      } finally {
        await connection.close();
      }
    });

    it('answers 503 database_unavailable with Retry-After when PostgreSQL is unreachable', async () => {
      const gone = connect(`postgres://wakeflow@127.0.0.1:${await closedPort()}/wakeflow`, {
        connectionTimeoutMillis: 2_000,
      });
      try {
        const down = createBenchApp(bench, { db: gone.db });
        const started = Date.now();
        const res = await request(down).get('/api/journeys');
        expect(res.status).toBe(503);
        expect(res.body.error.code).toBe('database_unavailable');
        expect(res.headers['retry-after']).toBe('5');
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        await gone.close();
      }
    });
  });
});
