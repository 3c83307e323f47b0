/**
 * The HTTP-shaped providers against local servers this test starts, asserting exactly what arrived on the wire:
 * the generic HTTP gateway (URL, method, auth header, Liquid body, idempotency header), Twilio (REST path, basic
 * auth, form body) and web push (VAPID JWT, aes128gcm payload decrypted with the subscriber's keys, TTL, urgency,
 * topic). 5xx and 429 are transient (retried), other 4xx permanent; private targets are refused unless allowed.
 */
import {
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  createDecipheriv,
  verify as verifySignature,
} from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import webpush from 'web-push';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { customers, messages, providers } from '@wakeflow/db';
import {
  createMessageSender,
  createProvider,
  deriveSecretKeys,
  ProviderError,
  providerKinds,
  STRICT_ADDRESS_POLICY,
  type AddressPolicy,
  type MessageProvider,
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

const keys = deriveSecretKeys('f'.repeat(64));
const loopbackAllowed: AddressPolicy = { allowPrivateNetworks: false, allowedHosts: ['127.0.0.1'] };

function build(
  kind: string,
  channel: 'sms' | 'push',
  settings: Record<string, unknown>,
  secrets: Record<string, string>,
  policy = loopbackAllowed,
): MessageProvider {
  return providerKinds[kind]!.create({ id: `${kind}-test`, channel, settings, secrets, policy });
}

function message(over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    messageId: '0b0f9a52-6a7e-4c1e-9a39-5a1a2b3c4d5e',
    idempotencyKey: 'journey/test/j1/v1/c1/1#sms',
    channel: 'sms',
    to: '+8613800001111',
    subject: 'Welcome back',
    text: 'Hi Mei, your code is "BACK20" — 20 off',
    html: null,
    headers: {},
    unsubscribeUrl: null,
    ...over,
  };
}

async function failureOf(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected the provider to fail');
}

let server: TestHttpServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => {
  await server?.close();
});

describe('generic HTTP provider', () => {
  const settings = () => ({
    url: `${server.url}/v2/messages?region=cn`,
    method: 'PUT',
    headers: { 'X-Tenant': 'shop-1' },
    authHeaderName: 'X-Api-Key',
    idempotencyHeader: 'X-Request-Key',
    bodyTemplate:
      '{"recipient": {{ to | json }}, "content": {{ text | json }}, "ref": {{ message_id | json }}, "key": {{ idempotency_key | json }}}',
    messageIdPath: 'data.message_id',
    timeoutMs: 1_000,
  });

  it('sends exactly the configured request: URL, method, auth header, static headers, idempotency key and Liquid body', async () => {
    server.respond = () => ({ status: 202, body: JSON.stringify({ data: { message_id: 'gw-777' } }) });
    const provider = build('http', 'sms', settings(), { authHeaderValue: 'key_live_abc' });
    expect(provider.acceptsIdempotencyKey).toBe(true);
    const before = server.requests.length;
    const receipt = await provider.send(message());
    expect(server.requests.length).toBe(before + 1);
    const got = server.requests.at(-1)!;
    expect(got.method).toBe('PUT');
    expect(got.url).toBe('/v2/messages?region=cn');
    expect(got.headers['x-api-key']).toBe('key_live_abc');
    expect(got.headers.authorization).toBeUndefined();
    expect(got.headers['x-tenant']).toBe('shop-1');
    expect(got.headers['x-request-key']).toBe('journey/test/j1/v1/c1/1#sms');
    expect(got.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got.body)).toEqual({
      recipient: '+8613800001111',
      content: 'Hi Mei, your code is "BACK20" — 20 off',
      ref: '0b0f9a52-6a7e-4c1e-9a39-5a1a2b3c4d5e',
      key: 'journey/test/j1/v1/c1/1#sms',
    });
    expect(receipt).toEqual({
      providerMessageId: 'gw-777',
      response: expect.objectContaining({ status: 202 }),
    });
  });

  it('without an idempotency header it says so and sends none', async () => {
    server.respond = () => ({ status: 200, body: 'OK' });
    const { idempotencyHeader: _, ...rest } = settings();
    const provider = build('http', 'sms', rest, {});
    expect(provider.acceptsIdempotencyKey).toBe(false);
    const receipt = await provider.send(message());
    const got = server.requests.at(-1)!;
    expect(Object.keys(got.headers).filter((h) => h.includes('key'))).toEqual([]);
    expect(receipt.providerMessageId).toBeNull();
  });

  it('5xx, 429 and timeouts are transient; other 4xx are permanent with the gateway’s answer', async () => {
    const provider = build('http', 'sms', settings(), { authHeaderValue: 'k' });
    for (const status of [500, 502, 503, 429, 408]) {
      server.respond = () => ({ status, body: '{"error":"busy"}' });
      expect((await failureOf(provider.send(message()))).kind).toBe('transient');
    }
    server.respond = () => ({ status: 422, body: '{"error":"invalid number"}' });
    const permanent = await failureOf(provider.send(message()));
    expect(permanent.kind).toBe('permanent');
    expect(permanent.response).toEqual({ status: 422, body: '{"error":"invalid number"}' });

    server.respond = () => ({ status: 200, body: '{}', delayMs: 1_500 });
    const slow = await failureOf(provider.send(message()));
    expect(slow.kind).toBe('transient');
    expect(slow.message).toMatch(/within 1000 ms/);
  });

  it('refuses a loopback gateway under the strict policy, without connecting', async () => {
    const before = server.requests.length;
    const provider = build('http', 'sms', settings(), {}, STRICT_ADDRESS_POLICY);
    const refused = await failureOf(provider.send(message()));
    expect(refused.kind).toBe('permanent');
    expect(refused.message).toMatch(/Refused to connect to 127\.0\.0\.1/);
    expect(server.requests.length).toBe(before);
  });
});

describe('Twilio SMS provider', () => {
  const sid = `AC${'0123456789abcdef'.repeat(2)}`;
  const twilio = (over: Record<string, unknown> = {}) =>
    build(
      'twilio',
      'sms',
      { accountSid: sid, from: '+15005550006', baseUrl: server.url, timeoutMs: 1_000, ...over },
      { authToken: 'tw_secret_token' },
    );

  it('posts the form to the account’s Messages resource with basic auth and keeps the message SID', async () => {
    server.respond = () => ({
      status: 201,
      body: JSON.stringify({ sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' }),
    });
    const provider = twilio({ statusCallback: 'https://wakeflow.example/api/hooks/twilio' });
    expect(provider.acceptsIdempotencyKey).toBe(false);
    const receipt = await provider.send(message());
    const got = server.requests.at(-1)!;
    expect(got.method).toBe('POST');
    expect(got.url).toBe(`/2010-04-01/Accounts/${sid}/Messages.json`);
    const [scheme, encoded] = String(got.headers.authorization).split(' ');
    expect(scheme).toBe('Basic');
    expect(Buffer.from(encoded!, 'base64').toString()).toBe(`${sid}:tw_secret_token`);
    expect(got.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(got.body))).toEqual({
      To: '+8613800001111',
      Body: 'Hi Mei, your code is "BACK20" — 20 off',
      From: '+15005550006',
      StatusCallback: 'https://wakeflow.example/api/hooks/twilio',
    });
    expect(receipt.providerMessageId).toBe('SM0123456789abcdef0123456789abcdef');
  });

  it('uses a messaging service instead of a number when configured', async () => {
    server.respond = () => ({ status: 201, body: '{"sid":"SM1"}' });
    await twilio({ from: undefined, messagingServiceSid: `MG${'a'.repeat(32)}` }).send(message());
    const form = Object.fromEntries(new URLSearchParams(server.requests.at(-1)!.body));
    expect(form.MessagingServiceSid).toBe(`MG${'a'.repeat(32)}`);
    expect(form.From).toBeUndefined();
  });

  it('a 5xx or 429 is retried; Twilio’s 400 for a bad number is permanent with its error code', async () => {
    const provider = twilio();
    for (const status of [500, 503, 429]) {
      server.respond = () => ({ status, body: '{"code":20429,"message":"Too Many Requests"}' });
      expect((await failureOf(provider.send(message()))).kind).toBe('transient');
    }
    server.respond = () => ({
      status: 400,
      body: '{"code":21211,"message":"The \'To\' number is not a valid phone number.","status":400}',
    });
    const bad = await failureOf(provider.send(message()));
    expect(bad.kind).toBe('permanent');
    expect(String(bad.response.body)).toContain('21211');
  });

  it('refuses settings that are not a Twilio account', () => {
    expect(
      providerKinds.twilio!.settings.safeParse({ accountSid: 'nope', from: '+15005550006' }).success,
    ).toBe(false);
    expect(providerKinds.twilio!.settings.safeParse({ accountSid: sid }).success).toBe(false);
  });
});

/** RFC 8291 decryption, as the browser does it: the test plays the subscriber. */
function decryptWebPush(body: Buffer, subscriber: ReturnType<typeof createECDH>, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const serverPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const shared = subscriber.computeSecret(serverPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscriber.getPublicKey(), serverPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // Strip the padding delimiter (0x02 for the last record) and any zero padding after it.
  return plain.subarray(0, plain.lastIndexOf(2)).toString('utf8');
}

describe('web push provider', () => {
  const vapid = webpush.generateVAPIDKeys();
  const subscriber = createECDH('prime256v1');
  subscriber.generateKeys();
  const authSecret = randomBytes(16);
  const subscription = () =>
    JSON.stringify({
      endpoint: `${server.url}/push/v1/sub-123`,
      keys: {
        p256dh: subscriber.getPublicKey().toString('base64url'),
        auth: authSecret.toString('base64url'),
      },
    });
  const provider = () =>
    build(
      'web_push',
      'push',
      {
        vapidPublicKey: vapid.publicKey,
        vapidSubject: 'mailto:ops@shop.example',
        ttlSeconds: 3_600,
        urgency: 'high',
        timeoutMs: 1_000,
      },
      { vapidPrivateKey: vapid.privateKey },
    );

  it('delivers an encrypted payload the subscriber can read, signed with the VAPID key', async () => {
    server.respond = () => ({ status: 201, body: '' });
    const msg = message({
      channel: 'push',
      to: subscription(),
      subject: 'We miss you',
      text: 'A gift is waiting',
    });
    await provider().send(msg);
    const got = server.requests.at(-1)!;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/push/v1/sub-123');
    expect(got.headers.ttl).toBe('3600');
    expect(got.headers.urgency).toBe('high');
    expect(got.headers['content-encoding']).toBe('aes128gcm');
    // Topic: derived from the idempotency key, so a duplicate after a crash replaces the queued original.
    expect(got.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await provider().send(msg);
    expect(server.requests.at(-1)!.headers.topic).toBe(got.headers.topic);

    // VAPID: `vapid t=<ES256 JWT>, k=<public key>`; the JWT is for this push service's origin and verifies.
    const auth = /^vapid t=([^,]+), k=(.+)$/.exec(String(got.headers.authorization));
    expect(auth).not.toBeNull();
    const [header, claims, signature] = auth![1]!.split('.');
    expect(auth![2]).toBe(vapid.publicKey);
    expect(JSON.parse(Buffer.from(claims!, 'base64url').toString())).toMatchObject({
      aud: server.url,
      sub: 'mailto:ops@shop.example',
    });
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(vapid.publicKey, 'base64url').subarray(1, 33).toString('base64url'),
      y: Buffer.from(vapid.publicKey, 'base64url').subarray(33).toString('base64url'),
    };
    const ok = verifySignature(
      'sha256',
      Buffer.from(`${header}.${claims}`),
      { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature!, 'base64url'),
    );
    expect(ok).toBe(true);

    expect(JSON.parse(decryptWebPush(got.raw, subscriber, authSecret))).toEqual({
      title: 'We miss you',
      body: 'A gift is waiting',
      messageId: msg.messageId,
    });
  });

  it('a gone subscription (404/410) is permanent, a 5xx or 429 is retried, a token that is no subscription is refused', async () => {
    const msg = message({ channel: 'push', to: subscription() });
    for (const [status, kind] of [
      [410, 'permanent'],
      [404, 'permanent'],
      [503, 'transient'],
      [429, 'transient'],
    ] as const) {
      server.respond = () => ({ status, body: '' });
      expect((await failureOf(provider().send(msg))).kind).toBe(kind);
    }
    const before = server.requests.length;
    expect((await failureOf(provider().send(message({ channel: 'push', to: 'fcm-token-123' })))).kind).toBe(
      'permanent',
    );
    expect(server.requests.length).toBe(before);
  });
});

describe('through the sender, from provider rows', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('sends an SMS through a Twilio row: permanent failure recorded with the answer, 5xx retried then sent once', async () => {
    const { db } = tdb;
    const { journeyId } = await seedJourney(db);
    await seedTemplate(db, {
      id: 'sms',
      channel: 'sms',
      subject: null,
      html: null,
      body: 'Hi {{ customer.first_name }}',
    });
    await createProvider(db, keys, WORKSPACE, {
      id: 'twilio',
      channel: 'sms',
      kind: 'twilio',
      settings: {
        accountSid: `AC${'b'.repeat(32)}`,
        from: '+15005550006',
        baseUrl: server.url,
        timeoutMs: 1_000,
      },
      secrets: { authToken: 'row-token' },
    });
    const sender = createMessageSender({
      db,
      keys,
      publicBaseUrl: 'https://wakeflow.example',
      addressPolicy: loopbackAllowed,
    });
    try {
      const good = await seedRun(db, await seedCustomer(db), journeyId);
      let calls = 0;
      server.respond = () =>
        ++calls < 3 ? { status: 503, body: '{"message":"down"}' } : { status: 201, body: '{"sid":"SMabc"}' };
      const req = sendRequest(good, 'sms', { channel: 'sms', templateId: 'sms' });
      for (let attempt = 1; attempt <= 2; attempt++) {
        const error = await sender.send(req).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ApplicationFailure);
        expect((error as ApplicationFailure).type).toBe('ProviderUnavailable');
      }
      const sent = await sender.send(req);
      expect(sent.status).toBe('sent');
      expect(await sender.send(req)).toEqual(sent);
      expect(calls).toBe(3);
      const [row] = await db.select().from(messages).where(eq(messages.id, sent.messageId));
      expect(row).toMatchObject({
        status: 'sent',
        provider: 'twilio',
        providerMessageId: 'SMabc',
        attempts: 3,
      });
      expect(
        Buffer.from(
          String(server.requests.at(-1)!.headers.authorization).split(' ')[1]!,
          'base64',
        ).toString(),
      ).toBe(`AC${'b'.repeat(32)}:row-token`);

      const badNumber = await seedRun(db, await seedCustomer(db, { phone: '+100' }), journeyId);
      server.respond = () => ({ status: 400, body: '{"code":21211,"message":"invalid To"}' });
      const failed = await sender.send(sendRequest(badNumber, 'sms', { channel: 'sms', templateId: 'sms' }));
      expect(failed).toMatchObject({ status: 'failed', reason: expect.stringContaining('HTTP 400') });
      const [failedRow] = await db.select().from(messages).where(eq(messages.id, failed.messageId));
      expect(failedRow!.providerResponse).toMatchObject({
        status: 400,
        body: expect.stringContaining('21211'),
      });
      const [customer] = await db.select().from(customers).where(eq(customers.id, badNumber.customerId));
      expect(customer!.phone).toBe('+100');
    } finally {
      await sender.close();
      await db.delete(providers).where(eq(providers.id, 'twilio'));
    }
  });
});
