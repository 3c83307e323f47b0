/**
 * Test before launch (issue 16 item 5), on PostgreSQL and a real SMTP server: the seed list is kept per workspace with
 * field errors for bad addresses; a test of a draft's send step, rendered with a chosen customer's data, reaches the
 * SMTP server through the workspace's provider with "[Test]" in its subject — although that customer gave no email
 * consent — and is marked as a test in the message log; it counts in no result and no frequency cap.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { countedDispatches, loadChannelSettings } from '@wakeflow/channels';
import {
  auditLog,
  customers,
  journeyNodeDailyRollups,
  journeys,
  runSummaries,
  templates,
} from '@wakeflow/db';
import { createJourneyBench, startSmtpSink, type JourneyBench, type SmtpSink } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';
import { addSmtpProvider, allowLoopbackProviders } from './support/loopback-smtp';

const draftGraph = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'gift_mail', type: 'send', name: 'Gift email', config: { channel: 'email', templateId: 'gift' } },
    { id: 'wait', type: 'delay', config: { duration: { amount: 1, unit: 'days' } } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', target: 'gift_mail' },
    { source: 'gift_mail', target: 'wait' },
    { source: 'wait', target: 'x' },
  ],
};

describe('test sends', () => {
  let bench: JourneyBench;
  let smtp: SmtpSink;
  let app: ReturnType<typeof createApp>;
  let journeyId: string;
  let restoreAllowedHosts: () => void;

  beforeAll(async () => {
    restoreAllowedHosts = allowLoopbackProviders();
    bench = await createJourneyBench();
    smtp = await startSmtpSink();
    app = createBenchApp(bench);
    const db = bench.database.db;
    await db.insert(templates).values({
      workspaceId: 'test',
      id: 'gift',
      channel: 'email',
      name: 'Gift',
      subject: 'A gift for {{ customer.first_name }}',
      body: 'Hi {{ customer.first_name }}, your gift is waiting.',
    });
    await addSmtpProvider(app, smtp.port);
    // The customer whose data renders the test gave no email consent: the test goes to the seed list, not to her.
    await bench.customer('mei', { firstName: 'Mei', consent: { email: false, sms: false, push: false } });
    const [journey] = await db
      .insert(journeys)
      .values({ workspaceId: 'test', name: 'Win-back', draftGraph, draftSettings: {} })
      .returning({ id: journeys.id });
    journeyId = journey!.id;
  });

  afterAll(async () => {
    restoreAllowedHosts?.();
    await smtp?.close();
    await bench?.close();
  });

  it('keeps a seed list, refusing an entry with a bad address or none, naming the field', async () => {
    const badEmail = await request(app).post('/api/test-recipients').send({ name: 'Typo', email: 'ana@' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.issues).toContainEqual({
      path: 'body.email',
      message: 'Not an email address',
    });
    const none = await request(app).post('/api/test-recipients').send({ name: 'Nobody' });
    expect(none.status).toBe(400);
    expect(none.body.error.issues[0].path).toBe('body.email');
    const badPhone = await request(app).post('/api/test-recipients').send({ name: 'Bo', phone: '0151 123' });
    expect(badPhone.body.error.issues[0].path).toBe('body.phone');

    expect(
      (await request(app).post('/api/test-recipients').send({ name: 'Ana', email: 'ana@seed.test' })).status,
    ).toBe(201);
    expect(
      (await request(app).post('/api/test-recipients').send({ name: 'Ana', email: 'x@seed.test' })).status,
    ).toBe(409);
    const sms = await request(app)
      .post('/api/test-recipients')
      .send({ name: 'Phone only', phone: '+4915112345678' });
    expect(sms.status).toBe(201);
    const list = await request(app).get('/api/test-recipients');
    expect(list.body.recipients.map((r: { name: string }) => r.name)).toEqual(['Ana', 'Phone only']);
  });

  it("sends a step's message rendered with the customer's data to the seed list, marked as a test and counted nowhere", async () => {
    const db = bench.database.db;
    const { recipients } = (await request(app).get('/api/test-recipients')).body as {
      recipients: { id: string; name: string }[];
    };
    const sent = await request(app)
      .post(`/api/journeys/${journeyId}/test-send`)
      .send({ stepId: 'gift_mail', customerExternalId: 'mei', recipientIds: recipients.map((r) => r.id) });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.results).toEqual([
      expect.objectContaining({ recipient: 'Ana', to: 'ana@seed.test', status: 'sent' }),
      expect.objectContaining({
        recipient: 'Phone only',
        to: null,
        status: 'skipped',
        reason: 'no_recipient',
      }),
    ]);

    // At the SMTP server: one mail, to the seed address, rendered with Mei's data and marked as a test.
    await expect.poll(() => smtp.mails.length).toBe(1);
    expect(smtp.mails[0]).toMatchObject({ to: 'ana@seed.test', subject: '[Test] A gift for Mei' });

    // The message log shows both, as tests of the step.
    const log = await request(app).get(`/api/messages?journeyId=${journeyId}`);
    expect(log.body.messages).toHaveLength(2);
    for (const m of log.body.messages)
      expect(m).toMatchObject({ isTest: true, nodeId: 'gift_mail', runId: null });

    // Audited: who sent which step to whom, rendered with whose data.
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.action, 'journey.test_sent'));
    expect(audit).toMatchObject({ entityId: journeyId });
    expect(audit!.after).toMatchObject({
      stepId: 'gift_mail',
      customerExternalId: 'mei',
      results: [
        { recipient: 'Ana', to: 'ana@seed.test', status: 'sent' },
        { recipient: 'Phone only', to: null, status: 'skipped' },
      ],
    });
    expect(await db.select().from(auditLog).where(eq(auditLog.action, 'test_recipient.added'))).toHaveLength(
      2,
    );

    // Counted nowhere: no run's results, no step's figures, and not against Mei's frequency cap.
    expect(await db.select().from(runSummaries)).toEqual([]);
    expect(await db.select().from(journeyNodeDailyRollups)).toEqual([]);
    const [mei] = await db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.workspaceId, 'test'), eq(customers.externalId, 'mei')));
    const settings = await loadChannelSettings(db, 'test');
    const counted = await db.transaction((tx) =>
      countedDispatches(
        tx,
        mei!.id,
        new Date(),
        { ...settings.frequencyCap, enabled: true },
        '00000000-0000-4000-8000-000000000000',
      ),
    );
    expect(counted).toEqual([]);
  });

  it('refuses, naming the field: a step that sends nothing, an unknown customer, no recipients, "me" without a person', async () => {
    const { recipients } = (await request(app).get('/api/test-recipients')).body as {
      recipients: { id: string }[];
    };
    const notSend = await request(app)
      .post(`/api/journeys/${journeyId}/test-send`)
      .send({ stepId: 'wait', customerExternalId: 'mei', recipientIds: [recipients[0]!.id] });
    expect(notSend.status).toBe(422);
    expect(notSend.body.error.issues[0]).toMatchObject({ path: 'body.stepId' });
    expect(notSend.body.error.message).toContain('does not send a message');

    const nobody = await request(app)
      .post(`/api/journeys/${journeyId}/test-send`)
      .send({ stepId: 'gift_mail', customerExternalId: 'ghost', recipientIds: [recipients[0]!.id] });
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.issues[0].path).toBe('body.customerExternalId');

    const noOne = await request(app)
      .post(`/api/journeys/${journeyId}/test-send`)
      .send({ stepId: 'gift_mail', customerExternalId: 'mei' });
    expect(noOne.status).toBe(400);
    expect(noOne.body.error.issues[0].path).toBe('body.recipientIds');

    // The bench app runs in local mode: there is no signed-in person with an address.
    const me = await request(app)
      .post(`/api/journeys/${journeyId}/test-send`)
      .send({ stepId: 'gift_mail', customerExternalId: 'mei', toMe: true });
    expect(me.status).toBe(422);
    expect(me.body.error.issues[0].path).toBe('body.toMe');
    expect(smtp.mails).toHaveLength(1);
  });
});
