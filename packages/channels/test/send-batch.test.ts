/**
 * `sendBatch` on a real database: a batch writes the same rows, payloads and events and answers the same as the same
 * requests sent one by one (every rule's outcome, a template error, a missing customer, requests answered from their
 * rows, a row an earlier attempt dispatched); a provider's batch answer with a permanent and a transient failure;
 * the generic HTTP provider's batch endpoint against a real loopback server; the shared rate limit taking n slots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, inArray } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { events, messages, outbox, providers, sendPacing } from '@wakeflow/db';
import type { BatchSendResult, SendRequest } from '@wakeflow/nodes';
import {
  createMessageSender,
  createProvider,
  createSharedRateLimiter,
  deriveSecretKeys,
  ProviderError,
  saveChannelSettings,
  type DeliveryReceipt,
  type MessageProvider,
  type MessageSenderDeps,
  type OutgoingMessage,
} from '../src/index';
import {
  seedCustomer,
  seedJourney,
  seedRun,
  seedTemplate,
  sendRequest,
  startHttpServer,
  WORKSPACE,
  type TestHttpServer,
} from './helpers';

const keys = deriveSecretKeys('b'.repeat(64));
const policy = { allowPrivateNetworks: false, allowedHosts: ['127.0.0.1'] };
const NOON = new Date('2026-06-15T12:00:00Z');
const DAY_MS = 86_400_000;
let tdb: TestDatabase;

/** Small numbers keep the cap cases readable (3 per 7 days, 2 for routine journeys); quiet hours for email too. */
const SETTINGS = {
  frequencyCap: { limit: 3 },
  quietHours: { channels: ['email' as const, 'sms' as const, 'push' as const] },
  rateLimits: { email: 1_000 },
};

function sender(over: Partial<MessageSenderDeps> = {}) {
  return createMessageSender({
    db: tdb.db,
    keys,
    publicBaseUrl: 'https://wakeflow.example',
    addressPolicy: policy,
    ...over,
  });
}

beforeAll(async () => {
  tdb = await createTestDatabase({ workspaceIds: [WORKSPACE, 'elsewhere'] });
  await seedTemplate(tdb.db, {
    id: 'gift',
    subject: 'A gift for you, {{ customer.first_name }}',
    body: 'Hi {{ customer.first_name }}, your code is {{ steps.offer.code }}. Unsubscribe: {{ unsubscribe_url }}',
  });
  await seedTemplate(tdb.db, {
    id: 'sms-gift',
    channel: 'sms',
    subject: null,
    html: null,
    body: 'Hi {{ customer.first_name }}, code {{ steps.offer.code | default: "none" }}',
  });
  await saveChannelSettings(tdb.db, WORKSPACE, SETTINGS);
});

afterAll(async () => {
  await tdb?.drop();
});

/** Links carry the message id (signed): equal messages differ only there. */
function withoutLinks(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/https:\/\/wakeflow\.example\/[^\s"'<>]+/g, '<link>');
  if (Array.isArray(value)) return value.map(withoutLinks);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutLinks(v)]));
  return value;
}

/** What a row says, without what differs between two rows of equal messages (ids, keys, links, wall times). */
function comparable(row: typeof messages.$inferSelect) {
  const payload = withoutLinks(row.payload);
  return {
    status: row.status,
    reason: row.reason,
    provider: row.provider,
    recipient: row.recipient,
    subject: row.subject,
    body: withoutLinks(row.body),
    payload,
    priority: row.priority,
    category: row.category,
    attempts: row.attempts,
    costMicros: row.costMicros,
    dispatchedAt: row.dispatchedAt?.toISOString() ?? null,
    deferredUntil: row.deferredUntil?.toISOString() ?? null,
    leased: row.leaseUntil !== null,
    sent: row.sentAt !== null,
    providerResponse: row.providerResponse,
  };
}

/** An earlier message that counts against the customer's cap, dispatched at `at`. */
async function pastDispatch(customerId: string, journeyId: string, at: Date): Promise<void> {
  const run = await seedRun(tdb.db, customerId, journeyId);
  await tdb.db.insert(messages).values({
    workspaceId: WORKSPACE,
    idempotencyKey: `${run.workflowId}#earlier`,
    customerId,
    channel: 'email',
    status: 'sent',
    dispatchedAt: at,
    runId: run.runId,
  });
}

/**
 * One world of the comparison: a customer per case, its history, and the request the step makes. Built twice with
 * equal customers (same names and addresses), once sent one by one and once as a batch.
 */
async function world(journeyId: string, routine: string) {
  const offer = { entry: {}, steps: { offer: { code: 'GIFT-1' } } };
  const run = async (values: Parameters<typeof seedCustomer>[1] = {}) =>
    seedRun(tdb.db, await seedCustomer(tdb.db, { email: 'twin@example.com', ...values }), journeyId);
  const cases: {
    name: string;
    req: SendRequest;
    prepare?: (s: ReturnType<typeof sender>) => Promise<void>;
  }[] = [];
  const add = (name: string, req: SendRequest, prepare?: (s: ReturnType<typeof sender>) => Promise<void>) =>
    cases.push({ name, req, prepare });

  add('sent', sendRequest(await run(), 'gift', { templateId: 'gift', context: offer }));
  add('holdout', sendRequest(await run(), 'gift', { templateId: 'gift', context: offer, holdout: true }));
  add('no consent', sendRequest(await run({ consent: {} }), 'gift', { templateId: 'gift', context: offer }));
  add('no address', sendRequest(await run({ email: null }), 'gift', { templateId: 'gift', context: offer }));
  // 21:00 in Tokyo at noon UTC: quiet until 08:00 local, 23:00Z.
  add(
    'quiet hours',
    sendRequest(await run({ timezone: 'Asia/Tokyo' }), 'gift', { templateId: 'gift', context: offer }),
  );
  add(
    'send window',
    sendRequest(await run(), 'gift', {
      templateId: 'gift',
      context: offer,
      sendWindow: { weekdays: [1, 2, 3, 4, 5], start: '18:00', end: '19:00' },
    }),
  );
  add('template error', sendRequest(await run(), 'gift', { templateId: 'gift' }));
  // A customer of another workspace is not this workspace's customer.
  const stranger = await seedCustomer(tdb.db, { workspaceId: 'elsewhere', externalId: `x-${Math.random()}` });
  add(
    'customer missing',
    sendRequest(await seedRun(tdb.db, stranger, journeyId), 'gift', { templateId: 'gift', context: offer }),
  );

  // Routine (priority 5) at its allowance of 2: skipped.
  const capped = await seedCustomer(tdb.db, { email: 'twin@example.com' });
  await pastDispatch(capped, routine, new Date(NOON.getTime() - DAY_MS));
  await pastDispatch(capped, routine, new Date(NOON.getTime() - 2 * DAY_MS));
  add(
    'cap skip',
    sendRequest(await seedRun(tdb.db, capped, journeyId), 'gift', {
      templateId: 'gift',
      context: offer,
      priority: 5,
    }),
  );
  // High priority (9) at the full cap of 3, the oldest leaving the window in 12 hours: waits for it.
  const full = await seedCustomer(tdb.db, { email: 'twin@example.com' });
  await pastDispatch(full, routine, new Date(NOON.getTime() - 6.5 * DAY_MS));
  await pastDispatch(full, routine, new Date(NOON.getTime() - DAY_MS));
  await pastDispatch(full, routine, new Date(NOON.getTime() - DAY_MS));
  add(
    'cap wait',
    sendRequest(await seedRun(tdb.db, full, journeyId), 'gift', {
      templateId: 'gift',
      context: offer,
      priority: 9,
    }),
  );
  // Two messages of the batch to one customer with one routine slot left: the first takes it, the second skips.
  const lastSlot = await seedCustomer(tdb.db, { email: 'twin@example.com' });
  await pastDispatch(lastSlot, routine, new Date(NOON.getTime() - DAY_MS));
  for (const name of ['last slot, first', 'last slot, second'])
    add(
      name,
      sendRequest(await seedRun(tdb.db, lastSlot, journeyId), 'gift', {
        templateId: 'gift',
        context: offer,
        priority: 5,
      }),
    );

  // Answered from its row: sent by an earlier attempt.
  const again = sendRequest(await run(), 'gift', { templateId: 'gift', context: offer });
  add('already sent', again, async (s) => {
    expect((await s.send(again)).status).toBe('sent');
  });
  // Dispatched by an earlier attempt that died before the provider call: sent now, with what was stored.
  const resumed = sendRequest(await run(), 'gift', { templateId: 'gift', context: offer });
  add('dispatched earlier', resumed, async () => {
    const dying = sender({
      hooks: { afterDispatchRecorded: () => Promise.reject(new Error('worker killed')) },
    });
    await expect(dying.send(resumed)).rejects.toThrow('worker killed');
  });
  return cases;
}

describe('a batch answers and records exactly what sends one by one do', () => {
  it('for every rule, a template error, a missing customer, and rows of earlier attempts', async () => {
    const { journeyId } = await seedJourney(tdb.db, { priority: 5 });
    const { journeyId: routine } = await seedJourney(tdb.db, { priority: 5 });
    const one = await world(journeyId, routine);
    const many = await world(journeyId, routine);
    const single = sender();
    const batched = sender();
    for (const c of one) await c.prepare?.(single);
    for (const c of many) await c.prepare?.(batched);

    const singles = [];
    for (const c of one) singles.push(await single.send(c.req));
    // The same key twice in a batch is one message, answered twice.
    const batch = [...many.map((c) => c.req), many[0]!.req];
    const answers = await batched.sendBatch(batch);
    expect(answers).toHaveLength(batch.length);
    expect(answers.at(-1)).toEqual(answers[0]);

    const expected: Record<string, Partial<BatchSendResult>> = {
      sent: { status: 'sent' },
      holdout: { status: 'skipped', reason: 'holdout' },
      'no consent': { status: 'skipped', reason: 'no_consent' },
      'no address': { status: 'skipped', reason: 'no_recipient' },
      'quiet hours': { status: 'deferred', reason: 'quiet_hours', retryAt: '2026-06-15T23:00:00.000Z' },
      'send window': { status: 'deferred', reason: 'send_window', retryAt: '2026-06-15T18:00:00.000Z' },
      'template error': { status: 'failed' },
      'customer missing': { status: 'failed', reason: 'customer_not_found' },
      'cap skip': { status: 'skipped', reason: 'frequency_cap' },
      'cap wait': {
        status: 'deferred',
        reason: 'frequency_cap',
        retryAt: new Date(NOON.getTime() + 0.5 * DAY_MS).toISOString(),
      },
      'last slot, first': { status: 'sent' },
      'last slot, second': { status: 'skipped', reason: 'frequency_cap' },
      'already sent': { status: 'sent' },
      'dispatched earlier': { status: 'sent' },
    };
    for (const [i, c] of many.entries()) {
      const { messageId: _one, ...bySingle } = singles[i]!;
      const { messageId, ...byBatch } = answers[i]!;
      expect({ case: c.name, ...byBatch }).toEqual({ case: c.name, ...bySingle });
      expect({ case: c.name, ...byBatch }).toMatchObject({ case: c.name, ...expected[c.name] });
      if (c.name === 'template error')
        expect(byBatch.reason).toMatch(/^template_error: body 1:\d+: undefined variable: steps\.offer/);
      expect(messageId).toMatch(/^[0-9a-f-]{36}$/);
    }

    const rowsOf = async (reqs: SendRequest[]) => {
      const rows = await tdb.db
        .select()
        .from(messages)
        .where(
          inArray(
            messages.idempotencyKey,
            reqs.map((r) => r.idempotencyKey),
          ),
        );
      return reqs.map((r) => rows.find((row) => row.idempotencyKey === r.idempotencyKey)!);
    };
    const singleRows = await rowsOf(one.map((c) => c.req));
    const batchRows = await rowsOf(many.map((c) => c.req));
    for (const [i, c] of many.entries())
      expect({ case: c.name, ...comparable(batchRows[i]!) }).toEqual({
        case: c.name,
        ...comparable(singleRows[i]!),
      });
    // The message rendered for the customer, not a blank: the batch stored the same payload a single send does.
    expect(batchRows[0]!.payload).toMatchObject({
      to: 'twin@example.com',
      subject: 'A gift for you, Mei',
      text: expect.stringContaining('your code is GIFT-1'),
    });

    // One outbox record and one delivered event per sent message, on both sides.
    const sentIds = (rows: typeof batchRows) => rows.filter((r) => r.status === 'sent').map((r) => r.id);
    for (const rows of [singleRows, batchRows]) {
      const ids = sentIds(rows);
      expect(ids).toHaveLength(4);
      expect(await tdb.db.$count(outbox, inArray(outbox.messageId, ids))).toBe(4);
      expect(
        await tdb.db.$count(
          events,
          inArray(
            events.eventId,
            ids.map((id) => `msg:${id}:delivered`),
          ),
        ),
      ).toBe(4);
    }
  });

  it('never exceeds the cap when batches and single sends race for customers’ last slots', async () => {
    const { journeyId: a } = await seedJourney(tdb.db, { priority: 9 });
    const { journeyId: b } = await seedJourney(tdb.db, { priority: 9 });
    const customers: string[] = [];
    for (let i = 0; i < 40; i++) {
      const id = await seedCustomer(tdb.db);
      // Two of three slots used: one left for whichever step gets there first.
      await pastDispatch(id, a, new Date(NOON.getTime() - DAY_MS));
      await pastDispatch(id, a, new Date(NOON.getTime() - DAY_MS));
      customers.push(id);
    }
    const step = async (journey: string, node: string, ids: string[]) =>
      Promise.all(
        ids.map(async (c) =>
          sendRequest(await seedRun(tdb.db, c, journey), node, {
            templateId: 'gift',
            context: { steps: { offer: { code: 'R' } } },
            priority: 9,
          }),
        ),
      );
    // Two batches in opposite customer orders (their locks must not deadlock), and single sends besides.
    const first = await step(a, 'race_a', customers);
    const second = await step(b, 'race_b', [...customers].reverse());
    const singles = await step(b, 'race_c', customers.slice(0, 10));
    const s = sender();
    const [x, y, ...z] = await Promise.all([
      s.sendBatch(first),
      sender().sendBatch(second),
      ...singles.map((req) => sender().send(req)),
    ]);
    const sent = [...x, ...y, ...z].filter((r) => r.status === 'sent');
    expect(sent).toHaveLength(customers.length);
    const perCustomer = await tdb.db
      .select({ customerId: messages.customerId })
      .from(messages)
      .where(
        and(
          inArray(messages.customerId, customers),
          eq(messages.status, 'sent'),
          inArray(messages.nodeId, ['race_a', 'race_b', 'race_c']),
        ),
      );
    expect(new Set(perCustomer.map((r) => r.customerId)).size).toBe(customers.length);
  });

  it('counts each member’s cap over its own window when members ask at different journey times', async () => {
    const { journeyId } = await seedJourney(tdb.db);
    const { journeyId: routine } = await seedJourney(tdb.db);
    const now = await seedCustomer(tdb.db);
    const earlier = await seedCustomer(tdb.db);
    // Nine and four days before noon: both in the window of a step asked three days earlier, one in noon's.
    for (const id of [now, earlier]) {
      await pastDispatch(id, routine, new Date(NOON.getTime() - 9 * DAY_MS));
      await pastDispatch(id, routine, new Date(NOON.getTime() - 4 * DAY_MS));
    }
    const at = (days: number) => new Date(NOON.getTime() - days * DAY_MS).toISOString();
    const answers = await sender().sendBatch([
      sendRequest(await seedRun(tdb.db, now, journeyId), 'windows', {
        templateId: 'gift',
        context: { steps: { offer: { code: 'W' } } },
        priority: 5,
        requestedAt: at(0),
      }),
      sendRequest(await seedRun(tdb.db, earlier, journeyId), 'windows', {
        templateId: 'gift',
        context: { steps: { offer: { code: 'W' } } },
        priority: 5,
        requestedAt: at(3),
      }),
    ]);
    expect(answers.map((a) => [a.status, a.reason])).toEqual([
      ['sent', undefined],
      ['skipped', 'frequency_cap'],
    ]);
  });

  it('refuses a batch of more than one step before writing anything', async () => {
    const { journeyId } = await seedJourney(tdb.db);
    const run = await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId);
    const a = sendRequest(run, 'first', { templateId: 'gift' });
    const b = sendRequest(run, 'second', { templateId: 'gift' });
    await expect(sender().sendBatch([a, b])).rejects.toThrow(/request 1 has nodeId “second”/);
    expect(
      await tdb.db.$count(messages, inArray(messages.idempotencyKey, [a.idempotencyKey, b.idempotencyKey])),
    ).toBe(0);
  });
});

describe('a provider’s batch answer', () => {
  /** A gateway with a batch API that refuses `+...0002` for good and `+...0003` for now, and counts its calls. */
  function batchGateway(calls: OutgoingMessage[][], refuse: { transient: boolean }): MessageProvider {
    return {
      id: 'batch-gw',
      kind: 'http',
      channel: 'sms',
      acceptsIdempotencyKey: true,
      send: () => Promise.reject(new Error('a batch provider is called through sendBatch')),
      async sendBatch(batch) {
        calls.push([...batch]);
        return batch.map((m): DeliveryReceipt | ProviderError => {
          if (m.to.endsWith('0002')) return new ProviderError('invalid number', 'permanent', { code: 21211 });
          if (m.to.endsWith('0003') && refuse.transient)
            return new ProviderError('carrier busy', 'transient', { code: 30001 });
          return { providerMessageId: `gw-${m.idempotencyKey}`, response: { accepted: true } };
        });
      },
    };
  }

  beforeAll(async () => {
    await createProvider(tdb.db, keys, WORKSPACE, {
      id: 'batch-gw',
      channel: 'sms',
      kind: 'http',
      settings: { url: 'https://gateway.example/send' },
      isDefault: true,
    });
  });
  afterAll(async () => {
    await tdb.db.delete(providers).where(eq(providers.id, 'batch-gw'));
  });

  it('records each message’s own answer: sent, failed for good, retried alone until accepted', async () => {
    const calls: OutgoingMessage[][] = [];
    const refuse = { transient: true };
    const s = sender({ buildProvider: () => batchGateway(calls, refuse) });
    const { journeyId } = await seedJourney(tdb.db);
    const reqs: SendRequest[] = [];
    for (const phone of ['+8613900000001', '+8613900000002', '+8613900000003'])
      reqs.push(
        sendRequest(await seedRun(tdb.db, await seedCustomer(tdb.db, { phone }), journeyId), 'sms', {
          channel: 'sms',
          templateId: 'sms-gift',
        }),
      );
    const answers = await s.sendBatch(reqs);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.map((m) => m.idempotencyKey)).toEqual(reqs.map((r) => r.idempotencyKey));
    expect(answers[0]).toMatchObject({ status: 'sent' });
    expect(answers[1]).toMatchObject({ status: 'failed', reason: 'provider: invalid number' });
    expect(answers[2]).toMatchObject({
      status: 'retry',
      cause: 'provider_unavailable',
      reason: 'carrier busy',
    });
    const row = async (i: number) =>
      (await tdb.db.select().from(messages).where(eq(messages.id, answers[i]!.messageId)))[0]!;
    expect(await row(0)).toMatchObject({
      status: 'sent',
      providerMessageId: `gw-${reqs[0]!.idempotencyKey}`,
    });
    expect(await row(1)).toMatchObject({
      status: 'failed',
      providerResponse: { code: 21211, error: 'invalid number' },
      leaseUntil: null,
    });
    expect(await row(2)).toMatchObject({
      status: 'pending',
      reason: 'retrying: carrier busy',
      leaseUntil: null,
    });

    // The caller retries only the member that failed for now; the whole batch again finds the others final.
    refuse.transient = false;
    const retried = await s.sendBatch(reqs);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.map((m) => m.idempotencyKey)).toEqual([reqs[2]!.idempotencyKey]);
    expect(retried.map((a) => a.status)).toEqual(['sent', 'failed', 'sent']);
    expect(await row(2)).toMatchObject({ status: 'sent', attempts: 2 });

    // A single send of such a failure throws it for Temporal's retry policy, as before.
    refuse.transient = true;
    const single = sendRequest(
      await seedRun(tdb.db, await seedCustomer(tdb.db, { phone: '+8613900010003' }), journeyId),
      'sms',
      { channel: 'sms', templateId: 'sms-gift' },
    );
    const thrown = (await s.send(single).catch((e: unknown) => e)) as ApplicationFailure;
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect(thrown.type).toBe('ProviderUnavailable');
    await s.close();
  });
});

describe('the HTTP provider’s batch endpoint', () => {
  let gateway: TestHttpServer;

  beforeAll(async () => {
    gateway = await startHttpServer();
    gateway.respond = (req) => {
      if (req.url !== '/batch') return { status: 404, body: 'single endpoint not expected' };
      const body = JSON.parse(req.body) as { messages: { to: string; idempotency_key: string }[] };
      const results = body.messages.map((m) =>
        m.to.endsWith('0002')
          ? { status: 400, error: 'unknown number' }
          : m.to.endsWith('0003')
            ? { status: 503, error: 'try later' }
            : { status: 202, id: `gw-${m.idempotency_key}` },
      );
      return { status: 200, body: JSON.stringify({ data: { results } }) };
    };
    await createProvider(tdb.db, keys, WORKSPACE, {
      id: 'http-batch',
      channel: 'sms',
      kind: 'http',
      settings: {
        url: `${gateway.url}/send`,
        idempotencyHeader: 'Idempotency-Key',
        batch: { url: `${gateway.url}/batch`, resultsPath: 'data.results', maxMessages: 2 },
      },
      secrets: { authHeaderValue: 'Bearer sk_batch' },
      isDefault: true,
    });
  });
  afterAll(async () => {
    await tdb.db.delete(providers).where(eq(providers.id, 'http-batch'));
    await gateway?.close();
  });

  it('posts the messages in batches, each with its own key, and reads each message’s answer', async () => {
    const { journeyId } = await seedJourney(tdb.db);
    const reqs: SendRequest[] = [];
    for (const phone of ['+8613700000001', '+8613700000002', '+8613700000003'])
      reqs.push(
        sendRequest(await seedRun(tdb.db, await seedCustomer(tdb.db, { phone }), journeyId), 'sms', {
          channel: 'sms',
          templateId: 'sms-gift',
          context: { steps: { offer: { code: 'H1' } } },
        }),
      );
    const answers = await sender().sendBatch(reqs);
    // Two requests of at most two messages, to the batch endpoint only, authenticated.
    expect(gateway.requests.map((r) => r.url)).toEqual(['/batch', '/batch']);
    const posted = gateway.requests.flatMap(
      (r) => (JSON.parse(r.body) as { messages: Record<string, unknown>[] }).messages,
    );
    expect(posted).toEqual(
      reqs.map((req, i) =>
        expect.objectContaining({
          to: `+861370000000${i + 1}`,
          text: 'Hi Mei, code H1',
          idempotency_key: req.idempotencyKey,
          message_id: answers[i]!.messageId,
        }),
      ),
    );
    expect(gateway.requests[0]!.headers.authorization).toBe('Bearer sk_batch');
    expect(gateway.requests[0]!.headers['idempotency-key']).toMatch(/^batch:[0-9a-f]{64}$/);
    expect(answers.map((a) => a.status)).toEqual(['sent', 'failed', 'retry']);
    expect(answers[1]!.reason).toMatch(/^provider: Batch answer 400: .*unknown number/);
    const [sentRow] = await tdb.db.select().from(messages).where(eq(messages.id, answers[0]!.messageId));
    expect(sentRow!.providerMessageId).toBe(`gw-${reqs[0]!.idempotencyKey}`);
  });

  it('fails every message of a request the gateway refused as a whole, and reads nothing from an unreadable reply', async () => {
    const { journeyId } = await seedJourney(tdb.db);
    const normal = gateway.respond;
    try {
      gateway.respond = () => ({ status: 502, body: 'bad gateway' });
      const down = sendRequest(await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId), 'sms', {
        channel: 'sms',
        templateId: 'sms-gift',
      });
      expect(await sender().sendBatch([down])).toMatchObject([
        { status: 'retry', cause: 'provider_unavailable', reason: expect.stringContaining('HTTP 502') },
      ]);
      gateway.respond = () => ({ status: 200, body: '{"ok": true}' });
      const unreadable = sendRequest(await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId), 'sms', {
        channel: 'sms',
        templateId: 'sms-gift',
      });
      expect(await sender().sendBatch([unreadable])).toMatchObject([
        { status: 'failed', reason: expect.stringContaining('no list of 1 answers at “data.results”') },
      ]);
    } finally {
      gateway.respond = normal;
    }
  });
});

describe('rate limits of a batch', () => {
  afterAll(async () => {
    await saveChannelSettings(tdb.db, WORKSPACE, SETTINGS);
  });

  it('the shared limiter takes as many slots as fit the wait in one step, and says when the rest may go', async () => {
    const limiter = createSharedRateLimiter(tdb.db);
    // 10/s: a burst of 10 at once, then one every 100 ms; within 250 ms two more.
    const first = await limiter.acquireMany('batch-test', 10, 25, 250);
    expect(first.granted).toBe(12);
    expect(first.retryAfterMs).toBeGreaterThan(250);
    expect(first.retryAfterMs).toBeLessThanOrEqual(301);
    const none = await limiter.acquireMany('batch-test', 10, 5, 0);
    expect(none.granted).toBe(0);
    const [pace] = await tdb.db.select().from(sendPacing).where(eq(sendPacing.key, 'batch-test'));
    // Twelve slots taken: the next starts 1.2 s after the first (200 ms ago, the wait for the last granted one).
    expect(pace!.nextAt.getTime() - Date.now()).toBeGreaterThan(900);
  });

  it('sends what the limit allows now and defers the rest of the batch', async () => {
    await saveChannelSettings(tdb.db, WORKSPACE, { ...SETTINGS, rateLimits: { email: 3 } });
    await tdb.db.delete(sendPacing).where(eq(sendPacing.key, `${WORKSPACE}/log`));
    const { journeyId } = await seedJourney(tdb.db);
    const reqs: SendRequest[] = [];
    for (let i = 0; i < 5; i++)
      reqs.push(
        sendRequest(await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId), 'paced', {
          templateId: 'gift',
          context: { steps: { offer: { code: 'P' } } },
        }),
      );
    const answers = await sender({ maxRateLimitWaitMs: 0 }).sendBatch(reqs);
    expect(answers.map((a) => a.status)).toEqual(['sent', 'sent', 'sent', 'deferred', 'deferred']);
    expect(answers[3]).toMatchObject({ reason: 'rate_limit' });
    const retryAt = Date.parse((answers[3] as { retryAt: string }).retryAt);
    expect(retryAt - NOON.getTime()).toBeGreaterThan(0);
    expect(retryAt - NOON.getTime()).toBeLessThanOrEqual(1_000);
    const deferred = await tdb.db
      .select()
      .from(messages)
      .where(and(eq(messages.id, answers[4]!.messageId), eq(messages.status, 'pending')));
    expect(deferred[0]).toMatchObject({ reason: 'deferred: rate_limit', leaseUntil: null, attempts: 0 });
  });
});
