/**
 * `POST /api/journeys/:id/preview` on real parts (PostgreSQL, an SMTP server): a customer's path with its times,
 * messages rendered with their data, the sending rules' decisions (no consent, quiet hours), and nothing sent or
 * written — row counts unchanged and the SMTP server silent, while a real run of the same journey does reach it.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  createJourneyBench,
  eventually,
  startSmtpSink,
  type JourneyBench,
  type SmtpSink,
} from '@wakeflow/testing';
import type { JourneyPreview } from '@wakeflow/contracts';
import { isInHoldout } from '@wakeflow/journey';
import type { createApp } from '../src/app';
import { createBenchApp } from './support/bench-app';
import { addSmtpProvider, allowLoopbackProviders } from './support/loopback-smtp';

type Worker = Awaited<ReturnType<JourneyBench['newWorker']>>;
type ErrorAnswer = { code: string; message: string; issues: { path: string; message: string }[] };

/** Trigger → email → SMS → wait 3 days for a login → back / still dormant. */
const graph = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'winback' } },
    { id: 'text', type: 'send', config: { channel: 'sms', templateId: 'nudge' } },
    {
      id: 'w',
      type: 'wait_for_event',
      config: { events: [{ event: 'login' }], timeout: { amount: 3, unit: 'days' } },
    },
    { id: 'back', type: 'exit', config: { outcome: 'reactivated' } },
    { id: 'gone', type: 'exit', config: { outcome: 'still_dormant' } },
  ],
  edges: [
    { source: 't', target: 'mail' },
    { source: 'mail', target: 'text' },
    { source: 'text', target: 'w' },
    { source: 'w', outcome: 'login', target: 'back' },
    { source: 'w', outcome: 'timeout', target: 'gone' },
  ],
};

// Monday 22:30 in Paris: SMS and push are in the default quiet hours (21:00–08:00), email is not.
const LATE_EVENING = '2026-12-07T21:30:00.000Z';

describe('journey preview', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;
  let smtp: SmtpSink;
  let journeyId: string;

  const counts = async () => {
    const { rows } = await bench.database.db.execute<Record<string, number>>(sql`
      select (select count(*)::int from runs) as runs, (select count(*)::int from run_steps) as run_steps,
             (select count(*)::int from messages) as messages, (select count(*)::int from events) as events,
             (select count(*)::int from customers) as customers, (select count(*)::int from event_outbox) as outbox`);
    return rows[0];
  };
  const preview = (body: Record<string, unknown>) =>
    request(app).post(`/api/journeys/${journeyId}/preview`).send(body);

  let restoreAllowedHosts: () => void;
  beforeAll(async () => {
    restoreAllowedHosts = allowLoopbackProviders();
    bench = await createJourneyBench();
    app = createBenchApp(bench);
    smtp = await startSmtpSink();
    const ok = (status: number) => expect([200, 201]).toContain(status);
    await addSmtpProvider(app, smtp.port);
    ok(
      (
        await request(app).post('/api/templates').send({
          id: 'winback',
          channel: 'email',
          name: 'Win-back',
          subject: 'We miss you, {{ customer.first_name }}',
          body: 'Hi {{ customer.first_name }}, come back. {{ unsubscribe_url }}',
        })
      ).status,
    );
    ok(
      (
        await request(app).post('/api/templates').send({
          id: 'nudge',
          channel: 'sms',
          name: 'Nudge',
          body: '{{ customer.first_name }}, your basket misses you',
        })
      ).status,
    );
    const ada = {
      email: 'ada@example.com',
      phone: '+33600000001',
      firstName: 'Ada',
      timezone: 'Europe/Paris',
      consent: { email: true, sms: true },
    };
    ok((await request(app).put('/api/customers/ada').send(ada)).status);
    ok(
      (
        await request(app)
          .put('/api/customers/bob')
          .send({ email: 'bob@example.com', firstName: 'Bob', timezone: 'Europe/Paris', consent: {} })
      ).status,
    );
    const created = await request(app).post('/api/journeys').send({ name: 'Win back', graph });
    expect(created.status).toBe(201);
    journeyId = (created.body as { id: string }).id;
  });
  afterAll(async () => {
    await smtp?.close();
    await bench?.close();
    restoreAllowedHosts?.();
  });

  it('draws the path with the time of each step, renders each message and gives each rule decision', async () => {
    const before = await counts();
    const res = await preview({
      externalId: 'ada',
      startAt: LATE_EVENING,
      timeline: [{ day: 2, event: 'login' }],
    });
    expect(res.status).toBe(200);
    const body = res.body as JourneyPreview;
    expect(body).toMatchObject({
      version: null,
      customer: { externalId: 'ada', name: 'Ada', timezone: 'Europe/Paris' },
      status: 'completed',
      outcome: 'reactivated',
      endedAt: '2026-12-09T21:30:00.000Z',
    });
    expect(body.steps.map((s) => [s.stepId, s.at, s.outcome])).toEqual([
      ['t', LATE_EVENING, 'next'],
      ['mail', LATE_EVENING, 'next'],
      ['text', LATE_EVENING, 'next'],
      // The SMS was held in quiet hours: the wait begins once it went out, at 08:00 Paris.
      ['w', '2026-12-08T07:00:00.000Z', 'login'],
      ['back', '2026-12-09T21:30:00.000Z', undefined],
    ]);
    expect(body.messages.map((m) => [m.stepId, m.at, m.decision])).toEqual([
      ['mail', LATE_EVENING, 'sent'],
      ['text', LATE_EVENING, 'held until 2026-12-08 08:00 Europe/Paris (quiet hours)'],
      ['text', '2026-12-08T07:00:00.000Z', 'sent'],
    ]);
    expect(body.messages[0]!.rendered).toMatchObject({
      subject: 'We miss you, Ada',
      text: expect.stringMatching(/^Hi Ada, come back\. http:\/\/\S+\/api\/t\/u\/\S+$/) as unknown,
    });
    expect(body.messages[1]!.checks.at(-1)).toEqual({
      rule: 'quiet_hours',
      verdict: 'hold',
      detail: '2026-12-08T07:00:00.000Z',
    });
    expect(body.messages[2]!.rendered?.text).toBe('Ada, your basket misses you');
    expect(await counts()).toEqual(before);
    expect(smtp.mails).toEqual([]);
  });

  it('skips a message the customer gave no consent for', async () => {
    const res = await preview({ externalId: 'bob', startAt: '2026-12-08T10:00:00.000Z' });
    expect(res.status).toBe(200);
    const body = res.body as JourneyPreview;
    expect(body.messages.map((m) => [m.stepId, m.status, m.reason, m.decision])).toEqual([
      ['mail', 'skipped', 'no_consent', 'skipped: no consent for this channel'],
      ['text', 'skipped', 'no_consent', 'skipped: no consent for this channel'],
    ]);
    expect(body.messages[0]!.rendered).toBeUndefined();
    expect(body.outcome).toBe('still_dormant');
  });

  it('previews a described customer, and a published version', async () => {
    const described = {
      firstName: 'Cleo',
      email: 'cleo@example.com',
      timezone: 'America/New_York',
      consent: { email: true },
    };
    const res = await preview({ customer: described, startAt: '2026-12-08T15:00:00.000Z' });
    expect(res.status).toBe(200);
    expect((res.body as JourneyPreview).customer).toEqual({
      id: null,
      externalId: 'described customer',
      name: 'Cleo',
      timezone: 'America/New_York',
    });
    expect((res.body as JourneyPreview).messages[0]!.rendered?.subject).toBe('We miss you, Cleo');

    const published = await request(app).post(`/api/journeys/${journeyId}/publish`).send({});
    expect(published.status).toBe(201);
    const { version } = published.body as { version: number };
    const ofVersion = await preview({ externalId: 'ada', version, startAt: '2026-12-08T10:00:00.000Z' });
    expect(ofVersion.status).toBe(200);
    expect((ofVersion.body as JourneyPreview).version).toBe(version);
    expect(smtp.mails).toEqual([]);
  });

  it('puts a stored customer in the holdout as their run would be, and a described one never unless asked', async () => {
    const draft = (await request(app).get(`/api/journeys/${journeyId}`)).body as {
      draft: { graph: unknown; settings: Record<string, unknown> };
    };
    const mostlyHeldOut = {
      graph: draft.draft.graph,
      settings: { ...draft.draft.settings, holdoutPercent: 99 },
    };
    const startAt = '2026-12-08T15:00:00.000Z';
    const stored = await preview({ ...mostlyHeldOut, externalId: 'ada', startAt });
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    const adaId = (stored.body as JourneyPreview).customer.id!;
    expect((stored.body as JourneyPreview).holdout).toBe(isInHoldout(journeyId, adaId, 99));
    const described = { firstName: 'Cleo', email: 'cleo@example.com', consent: { email: true } };
    // Ten previews, ten fresh ids: a hash of them would put nearly every one in a 99 % holdout.
    for (let i = 0; i < 10; i++) {
      const res = await preview({ ...mostlyHeldOut, customer: described, startAt });
      expect((res.body as JourneyPreview).holdout).toBe(false);
    }
    const asked = await preview({ ...mostlyHeldOut, customer: described, startAt, holdout: true });
    expect((asked.body as JourneyPreview).holdout).toBe(true);
  });

  it('names the field of bad input, and answers 404 and 422 when there is nothing to preview', async () => {
    const error = (res: { body: unknown }) => (res.body as { error: ErrorAnswer }).error;
    const neither = await preview({});
    expect(neither.status).toBe(400);
    expect(error(neither).issues).toContainEqual({
      path: 'body.externalId',
      message: 'Give either externalId (a stored customer) or customer (a described one)',
    });
    const badDay = await preview({ externalId: 'ada', timeline: [{ day: -1, event: 'login' }] });
    expect(badDay.status).toBe(400);
    expect(error(badDay).issues[0]?.path).toBe('body.timeline.0.day');
    const nobody = await preview({ externalId: 'nobody' });
    expect(nobody.status).toBe(404);
    expect(error(nobody).message).toBe('No customer “nobody” in this workspace');
    expect((await preview({ externalId: 'ada', version: 99 })).status).toBe(404);
    const broken = await preview({
      externalId: 'ada',
      graph: {
        nodes: [{ id: 'mail', type: 'send', config: { channel: 'email', templateId: 'winback' } }],
        edges: [],
      },
    });
    expect(broken.status).toBe(422);
    expect(error(broken).code).toBe('journey_invalid');
  });

  it('a real run of the same journey does reach the SMTP server (the sink is live)', async () => {
    const worker: Worker = await bench.newWorker();
    await worker.runUntil(async () => {
      const entered = await request(app)
        .post(`/api/journeys/${journeyId}/runs`)
        .send({ customerExternalId: 'ada' });
      expect(entered.status).toBe(201);
      await eventually(() => Promise.resolve(smtp.mails.length > 0 ? true : undefined), {
        what: 'the win-back email at the SMTP server',
        timeoutMs: 60_000,
      }).catch(async (error: unknown) => {
        const { rows } = await bench.database.db.execute(sql`select status, reason, channel from messages`);
        throw new Error(`${String(error)}: ${JSON.stringify(rows)}`);
      });
    });
    expect(smtp.mails.map((m) => [m.to, m.subject])).toEqual([['ada@example.com', 'We miss you, Ada']]);
  });
});
