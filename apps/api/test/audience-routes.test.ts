/**
 * The audience API on real parts (PostgreSQL, Temporal's test server, a worker): customer search and profiles,
 * CSV import with a per-row report, segments (CRUD, live preview, fields), the dormancy overview, the workspace's
 * fact definitions, and sweep progress. Bad input is a 400 that names the field; another workspace's ids are 404s.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { audienceSweeps, customers, events, journeys, segments, templates, workspaces } from '@wakeflow/db';
import { upsertCustomers } from '@wakeflow/audience';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describe('audience API', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;
  /** Customer ids by external id. */
  const ids: Record<string, string> = {};
  let otherWorkspaceCustomer: string;
  let journeyId: string;

  const db = () => bench.database.db;

  beforeAll(async () => {
    bench = await createJourneyBench();
    await bench.relaxSendingRules();
    app = createBenchApp(bench);
    await db()
      .insert(templates)
      .values([
        {
          workspaceId: 'test',
          id: 'welcome',
          channel: 'email',
          name: 'Welcome',
          subject: 'Hi',
          body: 'Hello {{ customer.firstName }}',
        },
      ]);

    // Customers through the ingest API: one active buyer, one dormant for ~100 days, one never active.
    const people = [
      {
        externalId: 'ana',
        email: 'ana.lima@example.com',
        phone: '+4915112345601',
        firstName: 'Ana',
        lastName: 'Lima',
        timezone: 'Europe/Berlin',
        traits: { city: 'Berlin', plan: { level: 3 } },
        tags: ['newsletter'],
        consent: { email: true, sms: false },
      },
      {
        externalId: 'ben',
        email: 'ben@example.com',
        firstName: 'Ben',
        lastName: 'Okafor',
        traits: { city: 'Lagos' },
      },
      { externalId: 'cleo', email: 'cleo@example.org', firstName: 'Cleo', lastName: 'Percent%Sign' },
    ];
    for (const { externalId, ...body } of people) {
      const res = await request(app).put(`/api/customers/${externalId}`).send(body);
      expect(res.status).toBe(200);
      ids[externalId] = res.body.customer.id;
    }
    const batch = await request(app)
      .post('/api/events/batch')
      .send({
        events: [
          { eventId: 'ana-login-1', customerExternalId: 'ana', name: 'login', occurredAt: daysAgo(2) },
          {
            eventId: 'ana-buy-1',
            customerExternalId: 'ana',
            name: 'purchase',
            occurredAt: daysAgo(40),
            properties: { amount: 30, category: 'books' },
          },
          {
            eventId: 'ana-buy-2',
            customerExternalId: 'ana',
            name: 'purchase',
            occurredAt: daysAgo(5),
            properties: { amount: 12.5 },
          },
          { eventId: 'ben-login-1', customerExternalId: 'ben', name: 'login', occurredAt: daysAgo(100) },
        ],
      });
    expect(batch.status).toBe(202);

    // Another workspace's customer, which no route of 'test' may show.
    await db().insert(workspaces).values({ id: 'other', name: 'Other' }).onConflictDoNothing();
    const [other] = await upsertCustomers(db(), 'other', [
      { externalId: 'ana-other', email: 'ana.other@example.com', firstName: 'Ana' },
    ]);
    otherWorkspaceCustomer = other!.id;

    // A real run for Ana that sends her an email: her profile shows the journey and the message.
    const published = await bench.publish(
      {
        nodes: [
          { id: 't', type: 'api_trigger', config: {} },
          { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'welcome' } },
          { id: 'x', type: 'exit', config: { outcome: 'welcomed' } },
        ],
        edges: [
          { source: 't', target: 'mail' },
          { source: 'mail', target: 'x' },
        ],
      },
      {},
    );
    journeyId = published.journeyId;
    const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId: ids.ana! });
    if (!started.started) throw new Error(`run not started: ${started.reason}`);
    await bench.withWorker(() => bench.env.client.workflow.getHandle(started.workflowId).result());
  });
  afterAll(async () => {
    await bench?.close();
  });

  describe('GET /api/customers', () => {
    it('searches by external id, email, phone and full name, case-insensitively', async () => {
      const byName = await request(app).get('/api/customers').query({ q: 'ana lima' });
      expect(byName.status).toBe(200);
      expect(byName.body.customers.map((c: { externalId: string }) => c.externalId)).toEqual(['ana']);
      expect(byName.body.customers[0]).toMatchObject({
        id: ids.ana,
        email: 'ana.lima@example.com',
        firstName: 'Ana',
        lastName: 'Lima',
      });

      const byEmail = await request(app).get('/api/customers').query({ q: 'EXAMPLE.COM' });
      expect(byEmail.body.customers.map((c: { externalId: string }) => c.externalId).sort()).toEqual([
        'ana',
        'ben',
      ]);
      const byPhone = await request(app).get('/api/customers').query({ q: '345601' });
      expect(byPhone.body.customers.map((c: { externalId: string }) => c.externalId)).toEqual(['ana']);
      const byExternalId = await request(app).get('/api/customers').query({ q: 'cle' });
      expect(byExternalId.body.customers.map((c: { externalId: string }) => c.externalId)).toEqual(['cleo']);
    });

    it('matches LIKE wildcards literally and never lists another workspace', async () => {
      const percent = await request(app).get('/api/customers').query({ q: '%' });
      expect(percent.body.customers.map((c: { externalId: string }) => c.externalId)).toEqual(['cleo']);
      const all = await request(app).get('/api/customers');
      expect(all.body.customers).toHaveLength(3);
      expect(all.body.customers.map((c: { id: string }) => c.id)).not.toContain(otherWorkspaceCustomer);
    });

    it('pages with limit and after', async () => {
      const first = await request(app).get('/api/customers').query({ limit: 2 });
      expect(first.body.customers).toHaveLength(2);
      expect(first.body.next).toBe(first.body.customers[1].id);
      const second = await request(app).get('/api/customers').query({ limit: 2, after: first.body.next });
      expect(second.body.customers).toHaveLength(1);
      expect(second.body.next).toBeNull();
      const seen = [...first.body.customers, ...second.body.customers].map((c: { id: string }) => c.id);
      expect(new Set(seen)).toEqual(new Set(Object.values(ids)));
    });

    it('answers bad query parameters with 400 naming them', async () => {
      const zero = await request(app).get('/api/customers').query({ limit: 0 });
      expect(zero.status).toBe(400);
      expect(zero.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['query.limit']);
      const big = await request(app).get('/api/customers').query({ limit: 201 });
      expect(big.status).toBe(400);
      const after = await request(app).get('/api/customers').query({ after: 'not-a-uuid' });
      expect(after.status).toBe(400);
      expect(after.body.error.issues[0].path).toBe('query.after');
    });
  });

  describe('GET /api/customers/:id', () => {
    it('shows fields, traits, tags, derived facts with windows, a timeline of events and messages, and journeys', async () => {
      const res = await request(app).get(`/api/customers/${ids.ana}`);
      expect(res.status).toBe(200);
      const c = res.body.customer;
      expect(c).toMatchObject({
        id: ids.ana,
        externalId: 'ana',
        email: 'ana.lima@example.com',
        phone: '+4915112345601',
        timezone: 'Europe/Berlin',
        firstName: 'Ana',
        lastName: 'Lima',
        traits: { city: 'Berlin', plan: { level: 3 } },
        tags: ['newsletter'],
        consent: { email: true, sms: false },
      });
      expect(c.facts).toMatchObject({ purchaseCount: 2, totalSpend: 42.5, dormancyStage: 'active' });
      expect(Date.parse(c.facts.lastLoginAt)).toBeGreaterThan(Date.now() - 3 * DAY);
      expect(Date.parse(c.facts.lastPurchaseAt)).toBeGreaterThan(Date.now() - 6 * DAY);
      // Windows of the default settings: 30, 90, 180, 365 days.
      expect(c.facts.windows.map((w: { days: number }) => w.days)).toEqual([30, 90, 180, 365]);
      expect(c.facts.windows[0]).toMatchObject({ days: 30, purchases: 1, spend: 12.5, logins: 1 });
      expect(c.facts.windows[1]).toMatchObject({ days: 90, purchases: 2, spend: 42.5, logins: 1 });

      // Her own events, newest first; the send also recorded a message_delivered event.
      const eventsShown = c.timeline.filter(
        (t: { kind: string; name: string }) => t.kind === 'event' && !t.name.startsWith('message_'),
      );
      expect(eventsShown.map((t: { eventId: string }) => t.eventId)).toEqual([
        'ana-login-1',
        'ana-buy-2',
        'ana-buy-1',
      ]);
      expect(eventsShown[2]).toMatchObject({
        name: 'purchase',
        properties: { amount: 30, category: 'books' },
      });
      expect(
        c.timeline.filter(
          (t: { kind: string; name: string }) => t.kind === 'event' && t.name === 'message_delivered',
        ),
      ).toHaveLength(1);
      const sent = c.timeline.filter((t: { kind: string }) => t.kind === 'message');
      expect(sent).toEqual([
        expect.objectContaining({ kind: 'message', channel: 'email', templateId: 'welcome', journeyId }),
      ]);
      // Newest first.
      const times = c.timeline.map((t: { at: string }) => Date.parse(t.at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);

      expect(c.journeys).toEqual([
        expect.objectContaining({
          journeyId,
          journeyName: 'test journey',
          version: 1,
          entry: 1,
          status: 'completed',
          outcome: 'welcomed',
        }),
      ]);
    });

    it('shows a customer without activity as never active, with empty timeline and journeys', async () => {
      const res = await request(app).get(`/api/customers/${ids.cleo}`);
      expect(res.status).toBe(200);
      expect(res.body.customer.facts).toMatchObject({
        purchaseCount: 0,
        lastActivityAt: null,
        dormancyStage: 'never_active',
      });
      expect(res.body.customer.timeline).toEqual([]);
      expect(res.body.customer.journeys).toEqual([]);
    });

    it('answers a malformed id with 400, an unknown or another workspace’s id with 404', async () => {
      const bad = await request(app).get('/api/customers/ana');
      expect(bad.status).toBe(400);
      expect(bad.body.error.issues[0].path).toBe('params.id');
      expect((await request(app).get('/api/customers/00000000-0000-4000-8000-000000000000')).status).toBe(
        404,
      );
      const other = await request(app).get(`/api/customers/${otherWorkspaceCustomer}`);
      expect(other.status).toBe(404);
      expect(JSON.stringify(other.body)).not.toContain('ana.other');
    });
  });

  describe('CSV import', () => {
    it('imports the good customer rows and reports each bad row with line, column and problem', async () => {
      const csv = [
        'external_id,email,phone,timezone,first_name,tags,consent_email,traits.city,traits.age',
        'csv-1,csv1@example.com,+4915112340001,Europe/Paris,Dora,vip;csv,yes,Paris,34',
        'csv-2,not-an-email,,,Eli,,,,',
        'csv-3,csv3@example.com,,Mars/Olympus,Fay,,,,',
        ',nobody@example.com,,,Gus,,,,',
        'csv-5,csv5@example.com,,,Hal,,maybe,,',
        'csv-6,csv6@example.com,,,Ivy,,no,Rome,',
      ].join('\n');
      const res = await request(app).post('/api/customers/import').set('content-type', 'text/csv').send(csv);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ rows: 6, imported: 2, rejected: false });
      expect(res.body.errors).toEqual([
        { line: 3, column: 'email', problem: 'Not an email address' },
        { line: 4, column: 'timezone', problem: 'Not an IANA time zone such as Europe/Berlin' },
        { line: 5, column: 'external_id', problem: expect.any(String) },
        { line: 6, column: 'consent_email', problem: expect.any(String) },
      ]);

      const found = await request(app).get('/api/customers').query({ q: 'csv' });
      expect(found.body.customers.map((c: { externalId: string }) => c.externalId).sort()).toEqual([
        'csv-1',
        'csv-6',
      ]);
      const dora = found.body.customers.find((c: { externalId: string }) => c.externalId === 'csv-1');
      const profile = (await request(app).get(`/api/customers/${dora.id}`)).body.customer;
      expect(profile).toMatchObject({
        timezone: 'Europe/Paris',
        consent: { email: true },
        traits: { city: 'Paris', age: 34 },
      });
      expect([...profile.tags].sort()).toEqual(['csv', 'vip']);
    });

    it('imports the good event rows, attaches them and updates facts, and reports the bad ones', async () => {
      const csv = [
        'event_id,customer_external_id,name,occurred_at,properties.amount,properties',
        `csv-e1,csv-6,purchase,${daysAgo(3)},20,`,
        `csv-e2,csv-6,login,${daysAgo(1).slice(0, 10)},,"{""device"":""ios""}"`,
        'csv-e3,csv-6,purchase,last tuesday,5,',
        `csv-e4,csv-6,buy now!,${daysAgo(1)},5,`,
        `csv-e5,csv-6,browse,${daysAgo(1)},,{not json}`,
        `csv-e6,csv-6,purchase,${daysAgo(1)}`,
        `csv-e7,not-yet-a-customer,login,${daysAgo(1)},,`,
      ].join('\r\n');
      const res = await request(app).post('/api/events/import').set('content-type', 'text/csv').send(csv);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ rows: 7, imported: 3, duplicates: 0, rejected: false });
      expect(res.body.errors).toEqual([
        { line: 4, column: 'occurred_at', problem: 'Use an ISO timestamp, e.g. 2026-11-26T10:00:00Z' },
        { line: 5, column: 'name', problem: 'Use letters, digits, _ . : - only' },
        { line: 6, column: 'properties', problem: expect.any(String) },
        { line: 7, problem: 'Expected 6 columns, found 4' },
      ]);

      const ivy = (await request(app).get('/api/customers').query({ q: 'csv-6' })).body.customers[0];
      const profile = (await request(app).get(`/api/customers/${ivy.id}`)).body.customer;
      expect(profile.facts).toMatchObject({ purchaseCount: 1, totalSpend: 20, dormancyStage: 'active' });
      expect(profile.timeline.map((t: { eventId: string }) => t.eventId)).toEqual(['csv-e2', 'csv-e1']);
      expect(profile.timeline[0].properties).toEqual({ device: 'ios' });
      // The event of a customer not yet known is kept, unattached.
      const [orphan] = await db()
        .select({ n: count() })
        .from(events)
        .where(and(eq(events.eventId, 'csv-e7'), eq(events.workspaceId, 'test')));
      expect(orphan!.n).toBe(1);

      // The same file again: every good row is a duplicate, nothing changes.
      const again = await request(app).post('/api/events/import').set('content-type', 'text/csv').send(csv);
      expect(again.body).toMatchObject({ imported: 3, duplicates: 3 });
    });

    it('refuses a file whose header has an unknown or missing column with 422, writing nothing', async () => {
      const before = await db().select({ n: count() }).from(customers);
      const unknown = await request(app)
        .post('/api/customers/import')
        .set('content-type', 'text/csv')
        .send('external_id,shoe_size\nz-1,44\n');
      expect(unknown.status).toBe(422);
      expect(unknown.body).toMatchObject({ rejected: true, imported: 0 });
      expect(unknown.body.errors[0]).toMatchObject({ line: 1, column: 'shoe_size' });
      const missing = await request(app)
        .post('/api/events/import')
        .set('content-type', 'text/csv')
        .send('event_id,name,occurred_at\nz-e,login,2026-01-01\n');
      expect(missing.status).toBe(422);
      expect(missing.body.rejected).toBe(true);
      expect(missing.body.errors).toEqual([
        {
          line: 1,
          column: expect.stringMatching(/customer.?external.?id/i),
          problem: 'Required column is missing',
        },
      ]);
      const after = await db().select({ n: count() }).from(customers);
      expect(after[0]!.n).toBe(before[0]!.n);
    });

    it('asks for a CSV body when sent JSON or nothing', async () => {
      const json = await request(app).post('/api/customers/import').send({ csv: 'external_id\nx' });
      expect(json.status).toBe(415);
      expect(json.body.error.code).toBe('csv_expected');
      const empty = await request(app).post('/api/events/import').set('content-type', 'text/csv').send('');
      expect(empty.status).toBe(415);
    });
  });

  describe('segments', () => {
    const buyers = { kind: 'trait', field: 'facts.purchaseCount', op: 'gte', value: 1 };

    it('creates, lists, reads, updates and deletes a segment', async () => {
      // Without an id, one is made from the name.
      const named = await request(app)
        .post('/api/segments')
        .send({ name: 'Big Spenders!', definition: buyers });
      expect(named.status).toBe(201);
      expect(named.body.segment.id).toMatch(/^big-spenders-[a-z0-9]+$/);

      const created = await request(app)
        .post('/api/segments')
        .send({ id: 'buyers', name: 'Buyers', definition: buyers });
      expect(created.status).toBe(201);
      expect(created.body.segment).toMatchObject({ id: 'buyers', name: 'Buyers', definition: buyers });
      const twice = await request(app)
        .post('/api/segments')
        .send({ id: 'buyers', name: 'Buyers again', definition: buyers });
      expect(twice.status).toBe(409);

      const listed = await request(app).get('/api/segments');
      expect(listed.body.segments.map((s: { id: string }) => s.id)).toEqual(
        expect.arrayContaining(['buyers', named.body.segment.id]),
      );
      expect((await request(app).get('/api/segments/buyers')).body.segment.name).toBe('Buyers');

      const newDefinition = {
        kind: 'and',
        conditions: [buyers, { kind: 'tag', tag: 'newsletter', has: true }],
      };
      const patched = await request(app)
        .patch('/api/segments/buyers')
        .send({ name: 'Newsletter buyers', definition: newDefinition });
      expect(patched.status).toBe(200);
      expect(patched.body.segment).toMatchObject({ name: 'Newsletter buyers', definition: newDefinition });

      expect((await request(app).delete('/api/segments/buyers')).status).toBe(204);
      expect((await request(app).get('/api/segments/buyers')).status).toBe(404);
      expect((await request(app).delete('/api/segments/buyers')).status).toBe(404);
    });

    it('answers a bad definition with 400 invalid_condition naming the node, and writes nothing', async () => {
      const res = await request(app)
        .post('/api/segments')
        .send({
          id: 'broken',
          name: 'Broken',
          definition: {
            kind: 'and',
            conditions: [buyers, { kind: 'trait', field: 'facts.shoeSize', op: 'gt', value: 40 }],
          },
        });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_condition');
      expect(res.body.error.issues).toEqual([expect.objectContaining({ path: 'conditions.1.field' })]);

      const wrongOp = await request(app)
        .post('/api/segments')
        .send({
          id: 'broken',
          name: 'Broken',
          definition: { kind: 'trait', field: 'facts.valueTier', op: 'gt', value: 'high' },
        });
      expect(wrongOp.status).toBe(400);
      expect(wrongOp.body.error.issues[0].path).toBe('op');

      const rows = await db().select().from(segments).where(eq(segments.id, 'broken'));
      expect(rows).toEqual([]);
    });

    it('answers bad bodies and ids with 400 naming the field', async () => {
      const noName = await request(app).post('/api/segments').send({ name: '  ', definition: buyers });
      expect(noName.status).toBe(400);
      expect(noName.body.error.issues).toEqual([{ path: 'body.name', message: 'Name the segment' }]);
      const badId = await request(app)
        .post('/api/segments')
        .send({ id: 'Has Spaces', name: 'x', definition: buyers });
      expect(badId.status).toBe(400);
      expect(badId.body.error.issues[0].path).toBe('body.id');
      const badParam = await request(app).get('/api/segments/Not%20An%20Id');
      expect(badParam.status).toBe(400);
      expect(badParam.body.error.issues[0].path).toBe('params.id');
      const badPatch = await request(app).patch('/api/segments/whatever').send({ name: 42 });
      expect(badPatch.status).toBe(400);
      expect(badPatch.body.error.issues[0].path).toBe('body.name');
    });

    it('refuses to delete a segment another segment uses (409), and a segment reaching itself (400)', async () => {
      expect(
        (await request(app).post('/api/segments').send({ id: 'base', name: 'Base', definition: buyers }))
          .status,
      ).toBe(201);
      expect(
        (
          await request(app)
            .post('/api/segments')
            .send({
              id: 'derived',
              name: 'Derived',
              definition: { kind: 'segment', segmentId: 'base', member: true },
            })
        ).status,
      ).toBe(201);
      const refused = await request(app).delete('/api/segments/base');
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('conflict');

      const cycle = await request(app)
        .patch('/api/segments/base')
        .send({ definition: { kind: 'segment', segmentId: 'derived', member: true } });
      expect(cycle.status).toBe(400);
      expect(cycle.body.error.code).toBe('invalid_condition');
      expect(cycle.body.error.issues[0].message).toMatch(/base|derived|itself|cycle/i);

      const unknown = await request(app)
        .post('/api/segments')
        .send({
          id: 'ghost-user',
          name: 'Ghost',
          definition: { kind: 'segment', segmentId: 'ghost', member: true },
        });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.code).toBe('invalid_condition');
    });

    it('previews a definition: count and a sample of customers', async () => {
      const res = await request(app).post('/api/segments/preview').send({ definition: buyers });
      expect(res.status).toBe(200);
      // Ana (two purchases) and csv-6 (one CSV purchase).
      expect(res.body.count).toBe(2);
      expect(res.body.sample.map((c: { externalId: string }) => c.externalId).sort()).toEqual([
        'ana',
        'csv-6',
      ]);
      expect(typeof res.body.tookMs).toBe('number');

      const dormantLogin = await request(app)
        .post('/api/segments/preview')
        .send({
          definition: {
            kind: 'and',
            conditions: [
              { kind: 'trait', field: 'facts.daysSinceLastLogin', op: 'gte', value: 30 },
              { kind: 'event', event: 'login', window: { type: 'ever' }, count: { op: 'gte', value: 1 } },
            ],
          },
          sampleSize: 1,
        });
      expect(dormantLogin.status).toBe(200);
      expect(dormantLogin.body).toMatchObject({
        count: 1,
        sample: [expect.objectContaining({ externalId: 'ben' })],
      });

      const sampleOnlyCount = await request(app)
        .post('/api/segments/preview')
        .send({ definition: { kind: 'tag', tag: 'newsletter', has: false }, sampleSize: 0 });
      expect(sampleOnlyCount.body.sample).toEqual([]);
      expect(sampleOnlyCount.body.count).toBeGreaterThanOrEqual(4);
    });

    it('answers a bad preview with 400: the field of the body, or the node of the tree', async () => {
      const big = await request(app)
        .post('/api/segments/preview')
        .send({ definition: buyers, sampleSize: 500 });
      expect(big.status).toBe(400);
      expect(big.body.error.issues[0].path).toBe('body.sampleSize');
      const badTree = await request(app)
        .post('/api/segments/preview')
        .send({
          definition: {
            kind: 'or',
            conditions: [
              buyers,
              {
                kind: 'event',
                event: 'login',
                window: { type: 'since_entry' },
                count: { op: 'gte', value: 1 },
              },
            ],
          },
        });
      expect(badTree.status).toBe(400);
      expect(badTree.body.error.code).toBe('invalid_condition');
      expect(badTree.body.error.issues[0].path).toBe('conditions.1.window');
      const notATree = await request(app)
        .post('/api/segments/preview')
        .send({ definition: { kind: 'maybe' } });
      expect(notATree.status).toBe(400);
      expect(notATree.body.error.code).toBe('invalid_condition');
    });

    it('lists the fields a condition can use, with types and enum values', async () => {
      const res = await request(app).get('/api/segments/fields');
      expect(res.status).toBe(200);
      const byField = new Map(res.body.fields.map((f: { field: string }) => [f.field, f]));
      expect(byField.get('email')).toMatchObject({ type: 'text' });
      expect(byField.get('facts.valueTier')).toMatchObject({ type: 'enum', values: ['high', 'mid', 'low'] });
      expect(byField.get('facts.dormancyStage')).toMatchObject({ type: 'enum' });
      expect(byField.get('facts.daysSinceLastLogin')).toMatchObject({ type: 'number' });
      expect(byField.get('facts.logins_30d')).toMatchObject({ type: 'number' });
      expect(byField.get('facts.spend_365d')).toMatchObject({ type: 'number' });
    });
  });

  describe('audience overview and settings', () => {
    it('counts customers per dormancy stage × value tier, every cell present', async () => {
      const res = await request(app).get('/api/audience/dormancy');
      expect(res.status).toBe(200);
      const { cells, stages, tiers, total } = res.body;
      expect(cells).toHaveLength(stages.length * tiers.length);
      expect(tiers).toEqual(['high', 'mid', 'low', 'unscored']);
      const cell = (stage: string, tier: string) =>
        cells.find((c: { stage: string; tier: string }) => c.stage === stage && c.tier === tier)?.customers;
      // ana and csv-6 active; ben ~100 days since his login; cleo and csv-1 never active. None scored yet.
      expect(cell('active', 'unscored')).toBe(2);
      expect(cell('dormant_3_6m', 'unscored')).toBe(1);
      expect(cell('never_active', 'unscored')).toBe(2);
      expect(cell('dormant_12m_plus', 'high')).toBe(0);
      expect(total).toBe(5);
      expect(res.body.stageBoundariesDays).toEqual([30, 90, 180, 365]);

      // After an RFM recompute the buyers have a tier and the rest are low (no purchase).
      const rfm = await request(app).post('/api/audience/rfm/recompute');
      expect(rfm.status).toBe(200);
      const scored = (await request(app).get('/api/audience/dormancy')).body.cells;
      const unscored = scored
        .filter((c: { tier: string }) => c.tier === 'unscored')
        .reduce((s: number, c: { customers: number }) => s + c.customers, 0);
      expect(unscored).toBe(0);
    });

    it('reads and writes the fact definitions, which the builder fields follow', async () => {
      const current = await request(app).get('/api/audience/settings');
      expect(current.status).toBe(200);
      expect(current.body.settings).toMatchObject({
        loginEvents: ['login'],
        windowsDays: [30, 90, 180, 365],
        valueTier: { highMin: 12, midMin: 8 },
      });

      const next = { ...current.body.settings, loginEvents: ['login', 'app_open'], windowsDays: [7, 30] };
      const saved = await request(app).put('/api/audience/settings').send(next);
      expect(saved.status).toBe(200);
      expect(saved.body.settings).toMatchObject({ loginEvents: ['login', 'app_open'], windowsDays: [7, 30] });
      expect((await request(app).get('/api/audience/settings')).body.settings.loginEvents).toEqual([
        'login',
        'app_open',
      ]);
      const fields = (await request(app).get('/api/segments/fields')).body.fields.map(
        (f: { field: string }) => f.field,
      );
      expect(fields).toContain('facts.logins_7d');
      expect(fields).not.toContain('facts.logins_365d');
      // Profiles follow the windows too.
      expect(
        (await request(app).get(`/api/customers/${ids.ana}`)).body.customer.facts.windows.map(
          (w: { days: number }) => w.days,
        ),
      ).toEqual([7, 30]);

      // Omitted parts fall back to defaults.
      const minimal = await request(app)
        .put('/api/audience/settings')
        .send({ loginEvents: ['login'] });
      expect(minimal.status).toBe(200);
      expect(minimal.body.settings.windowsDays).toEqual([30, 90, 180, 365]);
    });

    it('answers bad settings with 400 naming the field and keeps the stored ones', async () => {
      const before = (await request(app).get('/api/audience/settings')).body.settings;
      const stages = await request(app)
        .put('/api/audience/settings')
        .send({ dormancyStagesDays: [90, 30, 180, 365] });
      expect(stages.status).toBe(400);
      expect(stages.body.error.issues).toEqual([
        { path: 'body.dormancyStagesDays', message: 'Stage boundaries must increase' },
      ]);
      const tier = await request(app)
        .put('/api/audience/settings')
        .send({ valueTier: { highMin: 8, midMin: 12 } });
      expect(tier.status).toBe(400);
      expect(tier.body.error.issues[0].path).toBe('body.valueTier');
      const logins = await request(app).put('/api/audience/settings').send({ loginEvents: [] });
      expect(logins.status).toBe(400);
      expect(logins.body.error.issues).toEqual([
        { path: 'body.loginEvents', message: 'Name at least one event' },
      ]);
      const activity = await request(app)
        .put('/api/audience/settings')
        .send({ activity: { mode: 'sometimes', events: [] } });
      expect(activity.status).toBe(400);
      expect(activity.body.error.issues[0].path).toMatch(/^body\.activity/);
      expect((await request(app).get('/api/audience/settings')).body.settings).toEqual(before);
    });
  });

  describe('GET /api/journeys/:id/sweeps', () => {
    it("lists a journey's sweeps, newest first; 404 for an unknown or another workspace's journey; 400 for a bad id", async () => {
      const empty = await request(app).get(`/api/journeys/${journeyId}/sweeps`);
      expect(empty.status).toBe(200);
      expect(empty.body.sweeps).toEqual([]);

      await db()
        .insert(audienceSweeps)
        .values([
          {
            workspaceId: 'test',
            journeyId,
            sweepKey: 'k1',
            status: 'completed',
            scanned: 10,
            matched: 4,
            started: 4,
            startedAt: new Date(Date.now() - 3_600_000),
          },
          {
            workspaceId: 'test',
            journeyId,
            sweepKey: 'k2',
            status: 'running',
            scanned: 5,
            matched: 1,
            started: 1,
          },
        ]);
      const listed = await request(app).get(`/api/journeys/${journeyId}/sweeps`);
      expect(
        listed.body.sweeps.map((s: { sweepKey: string; scanned: number }) => [s.sweepKey, s.scanned]),
      ).toEqual([
        ['k2', 5],
        ['k1', 10],
      ]);
      expect(
        (await request(app).get(`/api/journeys/${journeyId}/sweeps`).query({ limit: 1 })).body.sweeps,
      ).toHaveLength(1);
      const badLimit = await request(app).get(`/api/journeys/${journeyId}/sweeps`).query({ limit: 1000 });
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.error.issues[0].path).toBe('query.limit');

      expect(
        (await request(app).get('/api/journeys/00000000-0000-4000-8000-000000000000/sweeps')).status,
      ).toBe(404);
      expect((await request(app).get('/api/journeys/nope/sweeps')).status).toBe(400);

      // Another workspace's journey, with a sweep of its own: 404, nothing shown.
      const [theirs] = await db()
        .insert(journeys)
        .values({ workspaceId: 'other', name: 'Theirs', draftGraph: {} })
        .returning({ id: journeys.id });
      await db()
        .insert(audienceSweeps)
        .values({ workspaceId: 'other', journeyId: theirs!.id, sweepKey: 'theirs', scanned: 99 });
      const foreign = await request(app).get(`/api/journeys/${theirs!.id}/sweeps`);
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe('not_found');
    });
  });
});
