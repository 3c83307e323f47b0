/**
 * The sender's rules and its exactly-once behaviour on a real database: the log provider default, holdout,
 * consent and the unsubscribe link, quiet hours (with DST), caps with priority, template errors, crashes at the two
 * dangerous moments, an unreachable gateway and a 5xx storm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { events, messages, outbox, providers, sendPacing, templates } from '@wakeflow/db';
import type { SendRequest, SendResult } from '@wakeflow/nodes';
import {
  applyUnsubscribe,
  createDbEventRecorder,
  createMessageSender,
  createProvider,
  deriveSecretKeys,
  saveChannelSettings,
  type ChannelMessageSender,
  type MessageSenderDeps,
} from '../src/index';
import {
  closedPort,
  seedCustomer,
  seedJourney,
  seedRun,
  seedTemplate,
  sendRequest,
  startHttpServer,
  WORKSPACE,
  type TestHttpServer,
} from './helpers';

const keys = deriveSecretKeys('e'.repeat(64));
const policy = { allowPrivateNetworks: false, allowedHosts: ['127.0.0.1'] };
let tdb: TestDatabase;
let journeyId: string;

/** The journey clock of `sendRequest()` requests. */
const NOON = new Date('2026-06-15T12:00:00Z');

function sender(over: Partial<MessageSenderDeps> = {}): ChannelMessageSender {
  return createMessageSender({
    db: tdb.db,
    keys,
    publicBaseUrl: 'https://wakeflow.example',
    addressPolicy: policy,
    ...over,
  });
}

async function messageRow(id: string) {
  const [row] = await tdb.db.select().from(messages).where(eq(messages.id, id));
  return row!;
}

/** Runs a send like Temporal would: retry every retryable failure, up to `attempts`. */
async function sendWithRetries(
  s: ChannelMessageSender,
  req: SendRequest,
  attempts: number,
): Promise<{ result: SendResult; failures: ApplicationFailure[] }> {
  const failures: ApplicationFailure[] = [];
  for (let i = 0; i < attempts; i++) {
    try {
      return { result: await s.send(req), failures };
    } catch (error) {
      if (!(error instanceof ApplicationFailure)) throw error;
      failures.push(error);
    }
  }
  throw new Error(`not sent after ${attempts} attempts: ${failures.at(-1)?.message}`);
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  ({ journeyId } = await seedJourney(tdb.db));
  await seedTemplate(tdb.db, { id: 'welcome' });
  await seedTemplate(tdb.db, {
    id: 'sms-gift',
    channel: 'sms',
    subject: null,
    html: null,
    body: 'Hi {{ customer.first_name }}, code {{ steps.offer.code }}',
  });
  await seedTemplate(tdb.db, {
    id: 'receipt',
    channel: 'sms',
    subject: null,
    html: null,
    body: 'Order {{ entry.order_id | default: "?" }} shipped',
    category: 'transactional',
  });
});

afterAll(async () => {
  await tdb?.drop();
});

describe('development default: the log provider', () => {
  it('records the message in the outbox once, however often it is retried, and emits message_delivered once', async () => {
    const s = sender();
    const run = await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId);
    const req = sendRequest(run, 'gift_email');
    const first = await s.send(req);
    const again = await s.send(req);
    expect(first.status).toBe('sent');
    expect(again).toEqual(first);
    const rows = await tdb.db.select().from(outbox).where(eq(outbox.idempotencyKey, req.idempotencyKey));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.subject).toBe('Welcome back, Mei');
    expect((await messageRow(first.messageId)).provider).toBe('log');
    const delivered = await tdb.db
      .select()
      .from(events)
      .where(eq(events.eventId, `msg:${first.messageId}:delivered`));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.name).toBe('message_delivered');
  });

  it('fails the send instead when the deployment turned the fallback off', async () => {
    const run = await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId);
    expect(await sender({ fallbackToLog: false }).send(sendRequest(run, 'n'))).toMatchObject({
      status: 'failed',
      reason: 'no_provider',
    });
  });
});

describe('rules', () => {
  // The cap cases below count to 3 (2 for routine journeys): small numbers keep them readable.
  beforeAll(async () => {
    await saveChannelSettings(tdb.db, WORKSPACE, { frequencyCap: { limit: 3 } });
  });
  afterAll(async () => {
    await saveChannelSettings(tdb.db, WORKSPACE, {});
  });

  it('never messages a holdout member: recorded as skipped, no provider call', async () => {
    const run = await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId);
    const req = sendRequest(run, 'n', { holdout: true });
    const result = await sender().send(req);
    expect(result).toMatchObject({ status: 'skipped', reason: 'holdout' });
    expect(
      await tdb.db.select().from(outbox).where(eq(outbox.idempotencyKey, req.idempotencyKey)),
    ).toHaveLength(0);
    expect((await messageRow(result.messageId)).dispatchedAt).toBeNull();
  });

  it('skips customers without consent or address, and honours the one-click unsubscribe link', async () => {
    const s = sender();
    const noConsent = await seedCustomer(tdb.db, { consent: {} });
    expect(await s.send(sendRequest(await seedRun(tdb.db, noConsent, journeyId), 'n'))).toMatchObject({
      status: 'skipped',
      reason: 'no_consent',
    });
    const noEmail = await seedCustomer(tdb.db, { email: null });
    expect(await s.send(sendRequest(await seedRun(tdb.db, noEmail, journeyId), 'n'))).toMatchObject({
      status: 'skipped',
      reason: 'no_recipient',
    });

    const customerId = await seedCustomer(tdb.db);
    const first = await s.send(sendRequest(await seedRun(tdb.db, customerId, journeyId), 'n'));
    const [box] = await tdb.db.select().from(outbox).where(eq(outbox.messageId, first.messageId));
    const token = /\/api\/t\/u\/([^\s"'>]+)/.exec(box!.body)![1]!;
    expect(await applyUnsubscribe(tdb.db, keys, createDbEventRecorder(tdb.db), token, new Date())).toBe(true);
    expect(
      await applyUnsubscribe(
        tdb.db,
        keys,
        createDbEventRecorder(tdb.db),
        `${token.slice(0, -2)}xx`,
        new Date(),
      ),
    ).toBe(false);

    expect(await s.send(sendRequest(await seedRun(tdb.db, customerId, journeyId), 'n'))).toMatchObject({
      status: 'skipped',
      reason: 'unsubscribed',
    });
    // Only email was withdrawn: SMS still goes.
    const sms = await s.send(
      sendRequest(await seedRun(tdb.db, customerId, journeyId), 'n', {
        channel: 'sms',
        templateId: 'sms-gift',
        context: { steps: { offer: { code: 'C1' } } },
      }),
    );
    expect(sms.status).toBe('sent');
    const unsubscribed = await tdb.db
      .select()
      .from(events)
      .where(and(eq(events.customerId, customerId), eq(events.name, 'unsubscribed')));
    expect(unsubscribed).toHaveLength(1);
  });

  it('delays a send in quiet hours to the next allowed local time (DST-aware), then sends it', async () => {
    const s = sender();
    const customerId = await seedCustomer(tdb.db, { timezone: 'America/New_York' });
    // 01:30 EST on 8 March 2026, the night clocks spring forward: 08:00 local is 12:00Z.
    const req = sendRequest(await seedRun(tdb.db, customerId, journeyId), 'n', {
      channel: 'sms',
      templateId: 'sms-gift',
      context: { steps: { offer: { code: 'Q1' } } },
      requestedAt: '2026-03-08T06:30:00.000Z',
    });
    const deferred = await s.send(req);
    expect(deferred).toMatchObject({
      status: 'deferred',
      reason: 'quiet_hours',
      retryAt: '2026-03-08T12:00:00.000Z',
    });
    const [row] = await tdb.db.select().from(messages).where(eq(messages.idempotencyKey, req.idempotencyKey));
    expect(row).toMatchObject({
      id: deferred.messageId,
      status: 'pending',
      reason: 'deferred: quiet_hours',
      dispatchedAt: null,
    });
    expect(row!.deferredUntil?.toISOString()).toBe('2026-03-08T12:00:00.000Z');
    expect(
      await tdb.db.select().from(outbox).where(eq(outbox.idempotencyKey, req.idempotencyKey)),
    ).toHaveLength(0);

    // The journey slept until retryAt and asks again with the same key.
    const sent = await s.send({ ...req, requestedAt: '2026-03-08T12:00:00.000Z' });
    expect(sent).toMatchObject({ messageId: deferred.messageId, status: 'sent' });
  });

  it('takes a send window from the send node (weekdays 20:00 local)', async () => {
    const customerId = await seedCustomer(tdb.db, { timezone: 'Asia/Shanghai' });
    const req = sendRequest(await seedRun(tdb.db, customerId, journeyId), 'n', {
      sendWindow: { weekdays: [1, 2, 3, 4, 5], start: '20:00', end: '21:00' },
      requestedAt: '2026-01-16T02:00:00.000Z', // Friday 10:00 in Shanghai
    });
    expect(await sender().send(req)).toMatchObject({
      status: 'deferred',
      reason: 'send_window',
      retryAt: '2026-01-16T12:00:00.000Z',
    });
  });

  it('caps marketing across journeys, with priority deciding who skips and who waits', async () => {
    const now = NOON;
    const s = sender();
    const customerId = await seedCustomer(tdb.db);
    const routine = (await seedJourney(tdb.db, { priority: 5 })).journeyId;
    const urgent = (await seedJourney(tdb.db, { priority: 9 })).journeyId;
    const send = async (journey: string, channel: 'email' | 'sms' = 'email') =>
      s.send(
        sendRequest(
          await seedRun(tdb.db, customerId, journey),
          'n',
          channel === 'sms'
            ? { channel, templateId: 'sms-gift', context: { steps: { offer: { code: 'X' } } } }
            : {},
        ),
      );

    expect(await send(routine)).toMatchObject({ status: 'sent' });
    expect(await send(routine, 'sms')).toMatchObject({ status: 'sent' });
    // A routine journey leaves the last slot of 3 for high priority: skipped.
    expect(await send(routine)).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });
    // Transactional messages do not count and are not capped.
    const receipt = await s.send(
      sendRequest(await seedRun(tdb.db, customerId, routine), 'n', { channel: 'sms', templateId: 'receipt' }),
    );
    expect(receipt.status).toBe('sent');
    // The priority-9 journey (priority read from its published plan) gets the reserved slot…
    expect(await send(urgent)).toMatchObject({ status: 'sent' });
    // …and at the cap it waits for the oldest message to leave the 7-day window, but only up to 72 hours: skipped.
    expect(await send(urgent)).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });

    // Given a priority and an older history, a high-priority send waits instead.
    const other = await seedCustomer(tdb.db);
    const old = new Date(now.getTime() - 6.5 * 86_400_000);
    for (let i = 0; i < 3; i++) {
      const run = await seedRun(tdb.db, other, routine);
      await tdb.db.insert(messages).values({
        workspaceId: WORKSPACE,
        idempotencyKey: `${run.workflowId}#old`,
        customerId: other,
        channel: 'email',
        status: 'sent',
        dispatchedAt: i === 0 ? old : now,
        runId: run.runId,
      });
    }
    const waiting = await s.send(sendRequest(await seedRun(tdb.db, other, urgent), 'n', { priority: 9 }));
    expect(waiting).toMatchObject({
      status: 'deferred',
      reason: 'frequency_cap',
      retryAt: new Date(old.getTime() + 7 * 86_400_000).toISOString(),
    });
  });

  it('never exceeds the cap when journeys race for the last slot', async () => {
    const s = sender();
    const customerId = await seedCustomer(tdb.db);
    const { journeyId: j } = await seedJourney(tdb.db, { priority: 9 });
    const runs = await Promise.all(Array.from({ length: 8 }, () => seedRun(tdb.db, customerId, j)));
    const results = await Promise.all(runs.map((r) => s.send(sendRequest(r, 'n'))));
    const sent = results.filter((r) => r.status === 'sent');
    expect(sent).toHaveLength(3);
  });

  it('records a template that fails at send time as failed, with the position', async () => {
    const run = await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId);
    // `steps.offer.code` without a default, and the run has no offer step output.
    const result = await sender().send(sendRequest(run, 'n', { channel: 'sms', templateId: 'sms-gift' }));
    expect(result).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^template_error: body 1:\d+: undefined variable: steps\.offer/),
    });
    expect(await sender().send(sendRequest(run, 'm', { templateId: 'nope' }))).toMatchObject({
      status: 'failed',
      reason: 'template_not_found',
    });
  });
});

describe('exactly once through crashes and provider trouble', () => {
  let gateway: TestHttpServer;
  /** What the gateway delivered, deduplicated by the Idempotency-Key header like a real gateway would. */
  const delivered = new Map<string, number>();

  beforeAll(async () => {
    gateway = await startHttpServer();
    gateway.respond = (req) => {
      const key = String(req.headers['idempotency-key']);
      if (!delivered.has(key)) delivered.set(key, delivered.size + 1);
      return { status: 200, body: JSON.stringify({ id: `sms-${delivered.get(key)}` }) };
    };
    await createProvider(tdb.db, keys, WORKSPACE, {
      id: 'gateway',
      channel: 'sms',
      kind: 'http',
      settings: {
        url: `${gateway.url}/send`,
        idempotencyHeader: 'Idempotency-Key',
        messageIdPath: 'id',
        timeoutMs: 2_000,
      },
      secrets: { authHeaderValue: 'Bearer sk_test_123' },
      isDefault: true,
    });
  });

  afterAll(async () => {
    await tdb.db.delete(providers).where(eq(providers.id, 'gateway'));
    await gateway?.close();
  });

  const smsRequest = async (nodeId: string) =>
    sendRequest(await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId), nodeId, {
      channel: 'sms',
      templateId: 'sms-gift',
      context: { steps: { offer: { code: 'K9' } } },
    });

  it('passes the idempotency key and the auth secret to the gateway', async () => {
    const req = await smsRequest('n');
    const result = await sender().send(req);
    const call = gateway.requests.at(-1)!;
    expect(call.headers['idempotency-key']).toBe(req.idempotencyKey);
    expect(call.headers.authorization).toBe('Bearer sk_test_123');
    expect(JSON.parse(call.body)).toMatchObject({ text: 'Hi Mei, code K9' });
    expect((await messageRow(result.messageId)).providerMessageId).toMatch(/^sms-\d+$/);
  });

  it('a crash between recording the dispatch and calling the provider loses nothing', async () => {
    const req = await smsRequest('n');
    const crashing = sender({
      hooks: { afterDispatchRecorded: () => Promise.reject(new Error('worker killed')) },
    });
    await expect(crashing.send(req)).rejects.toThrow('worker killed');
    expect(delivered.has(req.idempotencyKey)).toBe(false);
    const [row] = await tdb.db.select().from(messages).where(eq(messages.idempotencyKey, req.idempotencyKey));
    expect(row!.dispatchedAt).not.toBeNull();
    // Meanwhile the template changed: the retry still sends what was rendered and recorded.
    await tdb.db
      .update(templates)
      .set({ body: 'CHANGED {{ customer.first_name }}' })
      .where(eq(templates.id, 'sms-gift'));
    try {
      const result = await sender().send(req);
      expect(result.status).toBe('sent');
      expect(JSON.parse(gateway.requests.at(-1)!.body).text).toBe('Hi Mei, code K9');
    } finally {
      await tdb.db
        .update(templates)
        .set({ body: 'Hi {{ customer.first_name }}, code {{ steps.offer.code }}' })
        .where(eq(templates.id, 'sms-gift'));
    }
  });

  it('a crash after the provider accepted but before the status update delivers once (the key deduplicates)', async () => {
    const req = await smsRequest('n');
    const calls = gateway.requests.length;
    const crashing = sender({
      hooks: { afterProviderAccepted: () => Promise.reject(new Error('worker killed')) },
    });
    await expect(crashing.send(req)).rejects.toThrow('worker killed');
    const [pending] = await tdb.db
      .select()
      .from(messages)
      .where(eq(messages.idempotencyKey, req.idempotencyKey));
    expect(pending!.status).toBe('pending');
    // The dead attempt's lease holds off an immediate retry (it might still be talking to the gateway)…
    const busy = (await sender()
      .send(req)
      .catch((e: unknown) => e)) as ApplicationFailure;
    expect(busy.type).toBe('SendInProgress');
    expect(Number(busy.nextRetryDelay)).toBeGreaterThan(50_000);
    // …and the retry after it expires calls the gateway again with the same key.
    const later = new Date(Date.now() + 61_000);
    const result = await sender({ now: () => later }).send(req);
    expect(result.status).toBe('sent');
    // Two calls reached the gateway with the same key; one message was delivered.
    const sameKey = gateway.requests
      .slice(calls)
      .filter((r) => r.headers['idempotency-key'] === req.idempotencyKey);
    expect(sameKey).toHaveLength(2);
    expect([...delivered.keys()].filter((k) => k === req.idempotencyKey)).toHaveLength(1);
    // `attempts` counts the calls made to the provider: both of them.
    expect((await messageRow(result.messageId)).attempts).toBe(2);
  });

  it('a 5xx storm is retried until the gateway recovers, with one delivery and every attempt counted', async () => {
    const req = await smsRequest('n');
    const normal = gateway.respond;
    let storm = 6;
    gateway.respond = (r, i) =>
      storm-- > 0 ? { status: i % 2 ? 503 : 502, body: 'upstream down' } : normal(r, i);
    try {
      const { result, failures } = await sendWithRetries(sender(), req, 10);
      expect(failures).toHaveLength(6);
      expect(failures.every((f) => f.type === 'ProviderUnavailable' && !f.nonRetryable)).toBe(true);
      expect(result.status).toBe('sent');
      expect((await messageRow(result.messageId)).attempts).toBe(7);
    } finally {
      gateway.respond = normal;
    }
  });

  it('429 is retried; a 4xx is a permanent failure kept with the gateway’s answer', async () => {
    const normal = gateway.respond;
    try {
      gateway.respond = () => ({ status: 429, body: 'slow down' });
      await expect(sender().send(await smsRequest('n'))).rejects.toBeInstanceOf(ApplicationFailure);
      gateway.respond = () => ({ status: 400, body: '{"error":"invalid number"}' });
      const result = await sender().send(await smsRequest('n'));
      expect(result).toMatchObject({ status: 'failed', reason: expect.stringContaining('HTTP 400') });
      expect((await messageRow(result.messageId)).providerResponse).toMatchObject({
        status: 400,
        body: '{"error":"invalid number"}',
      });
    } finally {
      gateway.respond = normal;
    }
  });

  it('an unreachable or hanging gateway is a retryable failure, and the message stays pending', async () => {
    const dead = await closedPort();
    await tdb.db
      .update(providers)
      .set({
        settings: {
          url: `http://127.0.0.1:${dead}/send`,
          idempotencyHeader: 'Idempotency-Key',
          timeoutMs: 1_000,
          headers: {},
          contentType: 'application/json',
          bodyTemplate: '{"text": {{ text | json }}}',
          method: 'POST',
          authHeaderName: 'Authorization',
        },
        updatedAt: new Date(),
      })
      .where(eq(providers.id, 'gateway'));
    const req = await smsRequest('n');
    const error = (await sender()
      .send(req)
      .catch((e: unknown) => e)) as ApplicationFailure;
    expect(error.type).toBe('ProviderUnavailable');
    const [row] = await tdb.db.select().from(messages).where(eq(messages.idempotencyKey, req.idempotencyKey));
    expect(row).toMatchObject({ status: 'pending', reason: expect.stringMatching(/^retrying:/) });

    const normal = gateway.respond;
    gateway.respond = (r, i) => ({ ...normal(r, i), delayMs: 3_000 });
    await tdb.db
      .update(providers)
      .set({
        settings: {
          url: `${gateway.url}/send`,
          idempotencyHeader: 'Idempotency-Key',
          timeoutMs: 500,
          headers: {},
          contentType: 'application/json',
          bodyTemplate: '{"text": {{ text | json }}}',
          method: 'POST',
          authHeaderName: 'Authorization',
        },
        updatedAt: new Date(),
      })
      .where(eq(providers.id, 'gateway'));
    try {
      const slow = (await sender()
        .send(await smsRequest('n'))
        .catch((e: unknown) => e)) as ApplicationFailure;
      expect(slow.type).toBe('ProviderUnavailable');
      expect(slow.message).toMatch(/within 500 ms/);
    } finally {
      gateway.respond = normal;
    }
  });

  it('lets only one attempt talk to the provider at a time', async () => {
    const req = await smsRequest('n');
    const normal = gateway.respond;
    gateway.respond = (r, i) => ({ ...normal(r, i), delayMs: 300 });
    await tdb.db
      .update(providers)
      .set({
        settings: {
          url: `${gateway.url}/send`,
          idempotencyHeader: 'Idempotency-Key',
          timeoutMs: 2_000,
          headers: {},
          contentType: 'application/json',
          bodyTemplate: '{"text": {{ text | json }}}',
          method: 'POST',
          authHeaderName: 'Authorization',
        },
        updatedAt: new Date(),
      })
      .where(eq(providers.id, 'gateway'));
    try {
      const calls = gateway.requests.length;
      const both = await Promise.all(
        [sender().send(req), sender().send(req)].map((p) => p.catch((e: unknown) => e)),
      );
      const sent = both.filter((b) => (b as SendResult).status === 'sent');
      const busy = both.filter((b) => b instanceof ApplicationFailure);
      expect(sent.length + busy.length).toBe(2);
      expect(sent.length).toBeGreaterThanOrEqual(1);
      expect(
        gateway.requests.slice(calls).filter((r) => r.headers['idempotency-key'] === req.idempotencyKey),
      ).toHaveLength(1);
    } finally {
      gateway.respond = normal;
    }
  });
});

describe('workspace settings', () => {
  it('opt-out consent mode sends to customers who never answered', async () => {
    const customerId = await seedCustomer(tdb.db, { consent: {} });
    await saveChannelSettings(tdb.db, WORKSPACE, { consent: { mode: 'opt_out' } });
    try {
      expect(
        (await sender().send(sendRequest(await seedRun(tdb.db, customerId, journeyId), 'n'))).status,
      ).toBe('sent');
    } finally {
      await saveChannelSettings(tdb.db, WORKSPACE, {});
    }
  });
});

describe('rate limits across worker processes', () => {
  afterAll(async () => {
    await saveChannelSettings(tdb.db, WORKSPACE, {});
  });

  it('paces a provider for the installation: two senders (two workers) share its messages per second', async () => {
    await saveChannelSettings(tdb.db, WORKSPACE, { rateLimits: { email: 1 } });
    // The log provider's pace as earlier tests left it (at 50/s) could hold the first send for a few ms.
    await tdb.db.delete(sendPacing).where(eq(sendPacing.key, `${WORKSPACE}/log`));
    // Each sender stands for a worker process: with a limiter in process memory each would allow its own 1/s.
    const workers = [sender({ maxRateLimitWaitMs: 0 }), sender({ maxRateLimitWaitMs: 0 })];
    const results: SendResult[] = [];
    for (const [i, worker] of workers.entries()) {
      const run = await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId);
      results.push(await worker.send(sendRequest(run, `paced_${i}`)));
    }
    expect(results.map((r) => r.status)).toEqual(['sent', 'deferred']);
    expect(results[1]).toMatchObject({ reason: 'rate_limit' });
  });
});
