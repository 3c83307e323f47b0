/**
 * The channel routes on real parts (PostgreSQL, Temporal's test server, a worker): templates with line/column
 * errors and preview, providers with write-only secrets, the workspace's sending rules, coupon pools, the message
 * log, the public links inside messages (unsubscribe, open pixel, signed click redirect) and the publish check that
 * refuses a journey whose templates would fail at send time.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { customers, events, providers, templates } from '@wakeflow/db';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';

type Worker = Awaited<ReturnType<JourneyBench['newWorker']>>;

const winbackEmail = {
  id: 'winback',
  channel: 'email',
  name: 'Win-back',
  subject: 'We miss you, {{ customer.first_name }}',
  body: 'Hi {{ customer.first_name }}, come back: https://shop.example/back\nUnsubscribe: {{ unsubscribe_url }}',
  html: '<html><body><p>Hi {{ customer.first_name }}</p><a href="https://shop.example/back?utm=wb">Shop</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a></body></html>',
};

describe('channel routes', () => {
  let bench: JourneyBench;
  let worker: Worker;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench();
    await bench.relaxSendingRules();
    worker = await bench.newWorker();
    app = createBenchApp(bench);
    const put = await request(app)
      .put('/api/customers/mei')
      .send({
        email: 'mei@example.com',
        phone: '+8613800001111',
        firstName: 'Mei',
        timezone: 'UTC',
        consent: { email: true, sms: true },
      });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await bench?.close();
  });

  async function customerId(externalId: string): Promise<string> {
    const [row] = await bench.database.db
      .select({ id: customers.id })
      .from(customers)
      .where(eq(customers.externalId, externalId));
    return row!.id;
  }

  describe('templates', () => {
    it('creates, lists, reads, edits and deletes templates', async () => {
      const created = await request(app).post('/api/templates').send(winbackEmail);
      expect(created.status).toBe(201);
      expect(created.body.template).toMatchObject({
        id: 'winback',
        channel: 'email',
        category: 'marketing',
        subject: winbackEmail.subject,
      });
      expect((await request(app).post('/api/templates').send(winbackEmail)).status).toBe(409);

      const sms = await request(app).post('/api/templates').send({
        id: 'gift-sms',
        channel: 'sms',
        name: 'Gift',
        body: 'Hi {{ customer.first_name }}, a gift awaits',
      });
      expect(sms.status).toBe(201);

      const all = await request(app).get('/api/templates');
      expect(all.body.templates.map((t: { id: string }) => t.id).sort()).toEqual(['gift-sms', 'winback']);
      const onlySms = await request(app).get('/api/templates').query({ channel: 'sms' });
      expect(onlySms.body.templates.map((t: { id: string }) => t.id)).toEqual(['gift-sms']);
      expect((await request(app).get('/api/templates').query({ channel: 'fax' })).status).toBe(400);

      const one = await request(app).get('/api/templates/winback');
      expect(one.body.template).toMatchObject({ id: 'winback', html: winbackEmail.html });
      expect((await request(app).get('/api/templates/nope')).status).toBe(404);
      expect((await request(app).get('/api/templates/Not%20An%20Id')).status).toBe(400);

      const patched = await request(app)
        .patch('/api/templates/gift-sms')
        .send({ body: 'Hi {{ customer.first_name | default: "there" }}, a gift awaits' });
      expect(patched.status).toBe(200);
      expect(patched.body.template.body).toContain('default: "there"');

      const temp = await request(app)
        .post('/api/templates')
        .send({ id: 'temp', channel: 'push', name: 'Temp', subject: 'T', body: 'x' });
      expect(temp.status).toBe(201);
      expect((await request(app).delete('/api/templates/temp')).status).toBe(204);
      expect((await request(app).get('/api/templates/temp')).status).toBe(404);
      expect((await request(app).delete('/api/templates/temp')).status).toBe(404);
    });

    it('refuses a template that does not parse or names an unknown field, with line and column, and stores nothing', async () => {
      const broken = await request(app).post('/api/templates').send({
        id: 'broken',
        channel: 'sms',
        name: 'Broken',
        body: 'Hello {{ customer.first_name }}\nYour tier: {{ customer.frist_name }}',
      });
      expect(broken.status).toBe(422);
      expect(broken.body.error.code).toBe('invalid_template');
      expect(broken.body.error.templateProblems).toEqual([
        expect.objectContaining({
          field: 'body',
          line: 2,
          column: 15,
          code: 'unknown_variable',
          message: expect.stringContaining('customer.first_name'),
        }),
      ]);

      const unparsable = await request(app).post('/api/templates').send({
        id: 'broken',
        channel: 'email',
        name: 'Broken',
        subject: 'ok',
        body: 'ok',
        html: '<p>\n  {% if customer.first_name %}Hi\n</p>',
      });
      expect(unparsable.status).toBe(422);
      expect(unparsable.body.error.templateProblems).toEqual([
        expect.objectContaining({ field: 'html', line: 2, code: 'parse_error' }),
      ]);
      expect(unparsable.body.error.templateProblems[0].column).toBeGreaterThan(0);

      const unknownRoot = await request(app)
        .post('/api/templates')
        .send({ id: 'broken', channel: 'sms', name: 'B', body: '{{ custmer.first_name }}' });
      expect(unknownRoot.body.error.templateProblems[0]).toMatchObject({
        line: 1,
        column: 4,
        code: 'unknown_variable',
      });
      expect(unknownRoot.body.error.templateProblems[0].message).toContain('did you mean “customer”');

      expect((await request(app).get('/api/templates/broken')).status).toBe(404);
      const badPatch = await request(app)
        .patch('/api/templates/gift-sms')
        .send({ body: 'Hi {{ customer.first_name' });
      expect(badPatch.status).toBe(422);
      expect((await request(app).get('/api/templates/gift-sms')).body.template.body).toContain(
        'a gift awaits',
      );
    });

    it('validates a draft without saving it', async () => {
      const ok = await request(app)
        .post('/api/templates/validate')
        .send({ channel: 'sms', body: 'Code {{ steps.offer.code }} for {{ entry.sku }}' });
      expect(ok.body).toEqual({ ok: true, problems: [], stepReferences: ['offer'] });
      const bad = await request(app)
        .post('/api/templates/validate')
        .send({ channel: 'sms', body: 'a\nb {{ customer.nope }}' });
      expect(bad.body.ok).toBe(false);
      expect(bad.body.problems[0]).toMatchObject({
        field: 'body',
        line: 2,
        column: 6,
        code: 'unknown_variable',
      });
    });

    it('previews a draft and a stored template against a chosen customer', async () => {
      const id = await customerId('mei');
      const draft = await request(app)
        .post('/api/templates/preview')
        .send({
          template: { channel: 'sms', body: 'Hi {{ customer.first_name }}, code {{ steps.offer.code }}' },
          context: { customerId: id, steps: { offer: { code: 'BACK20' } } },
        });
      expect(draft.status).toBe(200);
      expect(draft.body).toEqual({
        rendered: { subject: null, text: 'Hi Mei, code BACK20', html: null },
        problems: [],
      });

      // A value missing at send time is an error with its position; the preview still shows the rest.
      const missing = await request(app)
        .post('/api/templates/preview')
        .send({
          template: { channel: 'sms', body: 'Hi {{ customer.first_name }},\ncode {{ steps.offer.code }}' },
          context: { externalId: 'mei' },
        });
      expect(missing.body.rendered.text).toBe('Hi Mei,\ncode ');
      expect(missing.body.problems).toEqual([
        expect.objectContaining({ field: 'body', line: 2, code: 'render_error' }),
      ]);

      const stored = await request(app).post('/api/templates/winback/preview').send({ externalId: 'mei' });
      expect(stored.body.rendered.subject).toBe('We miss you, Mei');
      expect(stored.body.rendered.text).toMatch(/Unsubscribe: http:\/\/127\.0\.0\.1:\d+\/api\/t\/u\/\S+/);

      expect(
        (await request(app).post('/api/templates/winback/preview').send({ externalId: 'nobody' })).status,
      ).toBe(404);
      expect(
        (await request(app).post('/api/templates/nope/preview').send({ externalId: 'mei' })).status,
      ).toBe(404);
      expect(
        (
          await request(app)
            .post('/api/templates/preview')
            .send({ template: { channel: 'sms', body: 'x' }, context: {} })
        ).status,
      ).toBe(400);
    });
  });

  describe('providers', () => {
    it('keeps secrets write-only: stored encrypted, listed by name, never returned', async () => {
      const secret = 'sup3r-s3cret-password';
      const before = await request(app).get('/api/providers');
      expect(before.body.providers).toEqual([]);
      expect(before.body.effective).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ channel: 'email', providerId: 'log', isDevelopmentLog: true }),
        ]),
      );

      const kinds = await request(app).get('/api/provider-kinds');
      expect(kinds.body.kinds.map((k: { kind: string }) => k.kind)).toEqual(
        expect.arrayContaining(['smtp', 'http', 'twilio', 'web_push']),
      );
      expect(
        kinds.body.kinds.find((k: { kind: string }) => k.kind === 'smtp').secretsSchema.properties,
      ).toHaveProperty('password');

      const created = await request(app)
        .post('/api/providers')
        .send({
          id: 'mailer',
          channel: 'email',
          kind: 'smtp',
          settings: { host: 'smtp.example.com', fromAddress: 'hello@shop.example', user: 'shop' },
          secrets: { password: secret },
        });
      expect(created.status).toBe(201);
      expect(created.body.provider).toMatchObject({
        id: 'mailer',
        kind: 'smtp',
        secretsSet: ['password'],
        settings: { host: 'smtp.example.com', port: 587 },
      });
      expect(created.text).not.toContain(secret);

      const [row] = await bench.database.db.select().from(providers).where(eq(providers.id, 'mailer'));
      expect(JSON.stringify(row)).not.toContain(secret);

      for (const res of [
        await request(app).get('/api/providers'),
        await request(app).get('/api/providers/mailer'),
      ]) {
        expect(res.status).toBe(200);
        expect(res.text).not.toContain(secret);
      }
      const listed = await request(app).get('/api/providers');
      expect(listed.body.effective).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ channel: 'email', providerId: 'mailer', isDevelopmentLog: false }),
        ]),
      );

      // A patch without secrets keeps them; null removes one.
      const renamed = await request(app)
        .patch('/api/providers/mailer')
        .send({ settings: { host: 'smtp2.example.com', fromAddress: 'hello@shop.example' } });
      expect(renamed.body.provider).toMatchObject({
        settings: { host: 'smtp2.example.com' },
        secretsSet: ['password'],
      });
      expect(renamed.text).not.toContain(secret);
      const cleared = await request(app)
        .patch('/api/providers/mailer')
        .send({ secrets: { password: null } });
      expect(cleared.status).toBe(200);
      expect(cleared.body.provider).toMatchObject({
        secretsSet: [],
        settings: { host: 'smtp2.example.com' },
      });
      // Fields a patch does not name keep their values (a patch used to reset settings, cost and the default flag).
      expect(
        (
          await request(app)
            .patch('/api/providers/mailer')
            .send({ isDefault: true, secrets: { password: secret } })
        ).body.provider,
      ).toMatchObject({ isDefault: true, secretsSet: ['password'] });
      const costed = await request(app).patch('/api/providers/mailer').send({ unitCostMicros: 1500 });
      expect(costed.body.provider).toMatchObject({
        unitCostMicros: 1500,
        isDefault: true,
        secretsSet: ['password'],
        settings: { host: 'smtp2.example.com', fromAddress: 'hello@shop.example' },
      });
      expect(costed.text).not.toContain(secret);

      const badSettings = await request(app)
        .post('/api/providers')
        .send({
          id: 'bad',
          channel: 'email',
          kind: 'smtp',
          settings: { host: 'x', fromAddress: 'not-an-email' },
        });
      expect(badSettings.status).toBe(400);
      expect(badSettings.body.error.issues[0].path).toBe('body.settings.fromAddress');
      const wrongChannel = await request(app)
        .post('/api/providers')
        .send({ id: 'bad', channel: 'email', kind: 'twilio', settings: {} });
      expect(wrongChannel.status).toBe(400);
      const unknownKind = await request(app)
        .post('/api/providers')
        .send({ id: 'bad', channel: 'sms', kind: 'carrier-pigeon' });
      expect(unknownKind.status).toBe(400);
      expect(
        (await request(app).post('/api/providers').send({ id: 'log', channel: 'sms', kind: 'http' })).status,
      ).toBe(400);

      const twilio = await request(app)
        .post('/api/providers')
        .send({
          id: 'twilio',
          channel: 'sms',
          kind: 'twilio',
          settings: { accountSid: `AC${'a'.repeat(32)}`, from: '+15005550006' },
          secrets: { authToken: 'tw-token-xyz' },
        });
      expect(twilio.status).toBe(201);
      expect(twilio.text).not.toContain('tw-token-xyz');
      expect(twilio.body.provider.secretsSet).toEqual(['authToken']);

      // Delete both so the journeys below send through the development log provider.
      expect((await request(app).delete('/api/providers/mailer')).status).toBe(204);
      expect((await request(app).delete('/api/providers/twilio')).status).toBe(204);
      expect((await request(app).get('/api/providers/mailer')).status).toBe(404);
      expect((await request(app).patch('/api/providers/mailer').send({ unitCostMicros: 1 })).status).toBe(
        404,
      );
    });
  });

  describe('channel settings', () => {
    it('answers every rule with its default, saves a change and refuses a bad time', async () => {
      const current = await request(app).get('/api/channel-settings');
      expect(current.body.settings).toMatchObject({
        consent: { mode: 'opt_in' },
        frequencyCap: { enabled: false, limit: 5, windowDays: 7 },
        quietHours: { enabled: false, start: '21:00', end: '08:00' },
        rateLimits: { email: 50, sms: 10, push: 100 },
      });
      const saved = await request(app)
        .put('/api/channel-settings')
        .send({
          quietHours: { enabled: true, start: '22:00', end: '07:30', channels: ['sms'] },
          frequencyCap: { enabled: true, limit: 5 },
        });
      expect(saved.status).toBe(200);
      expect(saved.body.settings.quietHours).toEqual({
        enabled: true,
        start: '22:00',
        end: '07:30',
        channels: ['sms'],
      });
      expect(saved.body.settings.frequencyCap).toMatchObject({ enabled: true, limit: 5, windowDays: 7 });
      expect((await request(app).get('/api/channel-settings')).body.settings.quietHours.start).toBe('22:00');

      const bad = await request(app)
        .put('/api/channel-settings')
        .send({ quietHours: { start: '25:00' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.issues[0].path).toBe('body.quietHours.start');
      expect((await request(app).get('/api/channel-settings')).body.settings.quietHours.start).toBe('22:00');

      // Back to relaxed rules for the journeys below (they run at whatever the test server's clock says).
      await bench.relaxSendingRules();
    });
  });

  describe('coupon pools', () => {
    it('imports codes (reporting duplicates), generates from a pattern, and lists stock and codes', async () => {
      const imported = await request(app)
        .post('/api/coupon-pools')
        .send({ id: 'back20', name: '20 off', valueCents: 2000, currency: 'CNY' });
      expect(imported.status).toBe(201);
      expect(imported.body.pool).toMatchObject({
        id: 'back20',
        valueCents: 2000,
        stock: { total: 0, free: 0 },
      });
      expect(
        (await request(app).post('/api/coupon-pools').send({ id: 'back20', name: 'again' })).status,
      ).toBe(409);

      const codes = await request(app)
        .post('/api/coupon-pools/back20/codes')
        .send({ codes: ['BACK-0001', 'BACK-0002', 'BACK-0003', 'BACK-0001'] });
      expect(codes.body).toEqual({ inserted: 3, duplicates: 1 });
      const again = await request(app)
        .post('/api/coupon-pools/back20/codes')
        .send({ codes: ['BACK-0003', 'BACK-0004'] });
      expect(again.body).toEqual({ inserted: 1, duplicates: 1 });
      expect(
        (
          await request(app)
            .post('/api/coupon-pools/back20/codes')
            .send({ codes: ['no spaces allowed'] })
        ).status,
      ).toBe(400);
      const noPattern = await request(app).post('/api/coupon-pools/back20/generate').send({ count: 5 });
      expect(noPattern.status).toBe(400);

      const patterned = await request(app).post('/api/coupon-pools').send({
        id: 'back50',
        name: '50 off above 300',
        valueCents: 5000,
        minSpendCents: 30000,
        pattern: 'WB50-####-????',
      });
      expect(patterned.status).toBe(201);
      const badPattern = await request(app)
        .post('/api/coupon-pools')
        .send({ id: 'tiny', name: 'x', pattern: 'A#' });
      expect(badPattern.status).toBe(400);
      expect(badPattern.body.error.issues[0].path).toBe('body.pattern');
      const generated = await request(app).post('/api/coupon-pools/back50/generate').send({ count: 25 });
      expect(generated.body).toEqual({ inserted: 25 });

      const list = await request(app).get('/api/coupon-pools');
      expect(list.body.pools).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: 'back20', stock: { total: 4, free: 4, claimed: 0, redeemed: 0 } }),
          expect.objectContaining({
            id: 'back50',
            pattern: 'WB50-####-????',
            stock: expect.objectContaining({ total: 25, free: 25 }),
          }),
        ]),
      );
      const page1 = await request(app).get('/api/coupon-pools/back50/codes').query({ limit: 10 });
      expect(page1.body.codes).toHaveLength(10);
      for (const c of page1.body.codes) expect(c.code).toMatch(/^WB50-\d{4}-[A-Z]{4}$/);
      const page2 = await request(app)
        .get('/api/coupon-pools/back50/codes')
        .query({ limit: 10, afterId: page1.body.codes.at(-1).id });
      expect(page2.body.codes).toHaveLength(10);
      expect(
        new Set([...page1.body.codes, ...page2.body.codes].map((c: { code: string }) => c.code)).size,
      ).toBe(20);
      const free = await request(app).get('/api/coupon-pools/back20/codes').query({ status: 'free' });
      expect(free.body.codes.map((c: { code: string }) => c.code)).toEqual([
        'BACK-0001',
        'BACK-0002',
        'BACK-0003',
        'BACK-0004',
      ]);
      expect(
        (await request(app).get('/api/coupon-pools/back20/codes').query({ status: 'claimed' })).body.codes,
      ).toEqual([]);

      const edited = await request(app)
        .put('/api/coupon-pools/back20')
        .send({ name: '20 off, no minimum', valueCents: 2000 });
      expect(edited.body.pool).toMatchObject({ name: '20 off, no minimum' });
      expect((await request(app).get('/api/coupon-pools/back20')).body.pool.name).toBe('20 off, no minimum');

      // An unknown pool is a 404 everywhere, including its code list (it used to answer an empty 200).
      expect((await request(app).get('/api/coupon-pools/nope')).status).toBe(404);
      expect((await request(app).get('/api/coupon-pools/nope/codes')).status).toBe(404);
      expect(
        (
          await request(app)
            .post('/api/coupon-pools/nope/codes')
            .send({ codes: ['ABC'] })
        ).status,
      ).toBe(404);
      expect((await request(app).post('/api/coupon-pools/nope/generate').send({ count: 1 })).status).toBe(
        404,
      );
      expect((await request(app).put('/api/coupon-pools/nope').send({ name: 'x' })).status).toBe(404);
    });
  });

  describe('messages, tracking links and publishing', () => {
    let journeyId: string;
    let meiId: string;

    it('refuses to publish a journey whose template has errors or reads a step it does not have, naming the step', async () => {
      meiId = await customerId('mei');
      // The API refuses to save a broken template; one saved before a rule existed (or by hand) is caught at publish.
      await bench.database.db.insert(templates).values({
        workspaceId: 'test',
        id: 'legacy',
        channel: 'sms',
        name: 'Legacy',
        body: 'Hi\n{{ customer.frist_name }}',
      });
      const offerSms = await request(app)
        .post('/api/templates')
        .send({ id: 'offer-sms', channel: 'sms', name: 'Offer', body: 'Code {{ steps.offer.code }}' });
      expect(offerSms.status).toBe(201);

      const graph = (smsTemplate: string) => ({
        nodes: [
          { id: 't', type: 'api_trigger', config: {} },
          { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'winback' } },
          { id: 'text', type: 'send', config: { channel: 'sms', templateId: smsTemplate } },
          { id: 'x', type: 'exit', config: { outcome: 'done' } },
        ],
        edges: [
          { source: 't', target: 'mail' },
          { source: 'mail', target: 'text' },
          { source: 'text', target: 'x' },
        ],
      });
      const created = await request(app)
        .post('/api/journeys')
        .send({ name: 'Channels', graph: graph('legacy') });
      expect(created.status).toBe(201);
      journeyId = created.body.id;

      const refused = await request(app).post(`/api/journeys/${journeyId}/publish`).send({});
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('journey_invalid');
      expect(refused.body.error.problems).toEqual([
        expect.objectContaining({
          nodeId: 'text',
          path: 'config.templateId',
          templateId: 'legacy',
          message: expect.stringContaining('body line 2, column 4'),
          templateProblems: [
            expect.objectContaining({ field: 'body', line: 2, column: 4, code: 'unknown_variable' }),
          ],
        }),
      ]);

      const save = (g: unknown, revision: number) =>
        request(app).put(`/api/journeys/${journeyId}/draft`).send({ graph: g, settings: {}, revision });
      expect((await save(graph('offer-sms'), 1)).status).toBe(200);
      const noOffer = await request(app).post(`/api/journeys/${journeyId}/publish`).send({ revision: 2 });
      expect(noOffer.status).toBe(422);
      expect(noOffer.body.error.problems).toEqual([
        expect.objectContaining({ nodeId: 'text', message: expect.stringContaining('steps.offer') }),
      ]);
      // A stale revision is still a conflict, not a template problem.
      expect(
        (await request(app).post(`/api/journeys/${journeyId}/publish`).send({ revision: 1 })).status,
      ).toBe(409);

      expect((await save(graph('gift-sms'), 2)).status).toBe(200);
      const published = await request(app).post(`/api/journeys/${journeyId}/publish`).send({ revision: 3 });
      expect(published.status).toBe(201);
    });

    it('logs what a run sent and filters the log', async () => {
      const started = await request(app)
        .post(`/api/journeys/${journeyId}/runs`)
        .send({ customerExternalId: 'mei' });
      expect(started.status).toBe(201);
      await worker.runUntil(bench.env.client.workflow.getHandle(started.body.workflowId).result());

      const all = await request(app).get('/api/messages').query({ customerId: meiId });
      expect(all.status).toBe(200);
      expect(all.body.messages).toHaveLength(2);
      expect(
        all.body.messages
          .map((m: { nodeId: string; channel: string; status: string; provider: string }) => [
            m.nodeId,
            m.channel,
            m.status,
            m.provider,
          ])
          .sort(),
      ).toEqual([
        ['mail', 'email', 'sent', 'log'],
        ['text', 'sms', 'sent', 'log'],
      ]);
      const mail = all.body.messages.find((m: { nodeId: string }) => m.nodeId === 'mail');
      expect(mail).toMatchObject({
        recipient: 'mei@example.com',
        subject: 'We miss you, Mei',
        templateId: 'winback',
        journeyId,
        category: 'marketing',
      });

      const byChannel = await request(app).get('/api/messages').query({ journeyId, channel: 'sms' });
      expect(byChannel.body.messages.map((m: { nodeId: string }) => m.nodeId)).toEqual(['text']);
      expect(
        (await request(app).get('/api/messages').query({ nodeId: 'mail', journeyId })).body.messages,
      ).toHaveLength(1);
      expect((await request(app).get('/api/messages').query({ status: 'failed' })).body.messages).toEqual([]);
      expect(
        (await request(app).get('/api/messages').query({ customerId: meiId, limit: 1 })).body.messages,
      ).toHaveLength(1);
      expect(
        (await request(app).get('/api/messages').query({ before: '2000-01-01T00:00:00Z' })).body.messages,
      ).toEqual([]);
      expect((await request(app).get('/api/messages').query({ limit: 0 })).status).toBe(400);
      expect((await request(app).get('/api/messages').query({ customerId: 'not-a-uuid' })).status).toBe(400);
      expect((await request(app).get('/api/messages').query({ status: 'lost' })).status).toBe(400);

      const outbox = await request(app).get('/api/outbox');
      expect(outbox.body.messages).toHaveLength(2);
    });

    async function linksOfMail() {
      const outbox = await request(app).get('/api/outbox');
      const mail = outbox.body.messages.find((m: { channel: string }) => m.channel === 'email');
      const html: string = mail.html;
      const click = /\/api\/t\/c\/([^"]+)"/.exec(html)?.[1];
      const open = /\/api\/t\/o\/([^"]+)"/.exec(html)?.[1];
      const unsubscribe = /\/api\/t\/u\/(\S+)/.exec(mail.body as string)?.[1];
      if (!click || !open || !unsubscribe) throw new Error(`links missing in ${html}`);
      return { messageId: mail.messageId as string, click, open, unsubscribe };
    }

    async function eventsNamed(name: string) {
      return bench.database.db
        .select({ eventId: events.eventId, properties: events.properties })
        .from(events)
        .where(and(eq(events.customerId, meiId), eq(events.name, name)));
    }

    it('records the first open of the pixel as one message_opened event, and serves the pixel for any token', async () => {
      const { open, messageId } = await linksOfMail();
      for (let i = 0; i < 3; i++) {
        const res = await request(app).get(`/api/t/o/${open}`);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('image/gif');
        expect(res.headers['cache-control']).toBe('no-store, private');
      }
      expect(await eventsNamed('message_opened')).toEqual([
        {
          eventId: `msg:${messageId}:opened`,
          properties: expect.objectContaining({ message_id: messageId, channel: 'email', node_id: 'mail' }),
        },
      ]);
      const forged = await request(app).get(`/api/t/o/${open.slice(0, -2)}xx`);
      expect(forged.status).toBe(200);
      expect(forged.headers['content-type']).toBe('image/gif');
      expect(await eventsNamed('message_opened')).toHaveLength(1);
    });

    it('redirects a signed click to its URL once recorded, and refuses a tampered token', async () => {
      const { click, messageId } = await linksOfMail();
      const res = await request(app).get(`/api/t/c/${click}`).redirects(0);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('https://shop.example/back?utm=wb');
      await request(app).get(`/api/t/c/${click}`).redirects(0);
      const clicks = await eventsNamed('message_clicked');
      expect(clicks).toHaveLength(1);
      expect(clicks[0]).toMatchObject({
        eventId: expect.stringMatching(new RegExp(`^msg:${messageId}:clicked:[0-9a-f]{16}$`)),
        properties: { url: 'https://shop.example/back?utm=wb' },
      });

      // Flip one character of the payload and of the signature: both are refused, nothing redirects.
      const [payload, signature] = click.split('.');
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
      for (const bad of [
        `${flip(payload!, 5)}.${signature}`,
        `${payload}.${flip(signature!, 3)}`,
        'garbage',
      ]) {
        const refused = await request(app).get(`/api/t/c/${bad}`).redirects(0);
        expect(refused.status).toBe(404);
        expect(refused.headers.location).toBeUndefined();
      }
      expect(await eventsNamed('message_clicked')).toHaveLength(1);
    });

    it("counts each send step's messages on the journey's live numbers: sent, delivered, opened, clicked", async () => {
      const stats = await request(app).get(`/api/journeys/${journeyId}/stats`);
      expect(stats.status).toBe(200);
      // The run above sent both; the mail was opened (three pixel loads, one open) and clicked (twice, one link).
      expect(stats.body.messages).toEqual({
        mail: { sent: 1, delivered: 1, opened: 1, clicked: 1 },
        text: { sent: 1, delivered: 1, opened: 0, clicked: 0 },
      });
    });

    it('shows a confirmation page on GET and unsubscribes on the one-click POST', async () => {
      const { unsubscribe, messageId } = await linksOfMail();
      const page = await request(app).get(`/api/t/u/${unsubscribe}`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('Stop receiving marketing emails');
      expect(page.text).toContain('<form method="post">');
      // A GET (a mail scanner following the link) changes nothing.
      let [row] = await bench.database.db
        .select({ consent: customers.consent })
        .from(customers)
        .where(eq(customers.id, meiId));
      expect(row!.consent).toMatchObject({ email: true });

      const done = await request(app)
        .post(`/api/t/u/${unsubscribe}`)
        .type('form')
        .send('List-Unsubscribe=One-Click');
      expect(done.status).toBe(200);
      expect(done.text).toContain('You are unsubscribed');
      [row] = await bench.database.db
        .select({ consent: customers.consent })
        .from(customers)
        .where(eq(customers.id, meiId));
      expect(row!.consent).toMatchObject({ email: false, sms: true });
      expect(await eventsNamed('unsubscribed')).toEqual([
        {
          eventId: `msg:${messageId}:unsubscribed:email`,
          properties: { channel: 'email', message_id: messageId },
        },
      ]);
      // Idempotent: a second POST changes nothing more.
      expect(
        (await request(app).post(`/api/t/u/${unsubscribe}`).type('form').send('List-Unsubscribe=One-Click'))
          .status,
      ).toBe(200);
      expect(await eventsNamed('unsubscribed')).toHaveLength(1);

      const forged = `${unsubscribe.slice(0, 10)}${unsubscribe[10] === 'x' ? 'y' : 'x'}${unsubscribe.slice(11)}`;
      expect((await request(app).get(`/api/t/u/${forged}`)).status).toBe(404);
      expect(
        (await request(app).post(`/api/t/u/${forged}`).type('form').send('List-Unsubscribe=One-Click'))
          .status,
      ).toBe(404);
    });
  });
});
