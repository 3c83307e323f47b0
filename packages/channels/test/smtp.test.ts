/**
 * Email end to end: render → record → SMTP to a real SMTP server started here, checking what arrived (headers,
 * both parts, one-click unsubscribe), and how SMTP answers map to sent / failed / retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { messages, providers } from '@wakeflow/db';
import {
  createMessageSender,
  createProvider,
  deriveSecretKeys,
  verifyToken,
  type ChannelMessageSender,
} from '../src/index';
import {
  closedPort,
  seedCustomer,
  seedJourney,
  seedRun,
  seedTemplate,
  sendRequest,
  startSmtpServer,
  WORKSPACE,
  type TestSmtpServer,
} from './helpers';

const keys = deriveSecretKeys('d'.repeat(64));
const policy = { allowPrivateNetworks: false, allowedHosts: ['127.0.0.1'] };
let tdb: TestDatabase;
let smtp: TestSmtpServer;
let sender: ChannelMessageSender;
let journeyId: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  smtp = await startSmtpServer();
  await createProvider(tdb.db, keys, WORKSPACE, {
    id: 'local-smtp',
    channel: 'email',
    kind: 'smtp',
    settings: {
      host: '127.0.0.1',
      port: smtp.port,
      fromAddress: 'hello@shop.example',
      fromName: 'Shop',
      user: 'shop',
    },
    secrets: { password: 'smtp-password' },
    isDefault: true,
  });
  await seedTemplate(tdb.db, { id: 'welcome' });
  ({ journeyId } = await seedJourney(tdb.db));
  sender = createMessageSender({
    db: tdb.db,
    keys,
    publicBaseUrl: 'https://wakeflow.example',
    addressPolicy: policy,
  });
});

afterAll(async () => {
  await sender?.close();
  await smtp?.close();
  await tdb?.drop();
});

describe('SMTP delivery', () => {
  it('delivers HTML and text parts with one-click unsubscribe headers and a stable Message-ID', async () => {
    const customerId = await seedCustomer(tdb.db, { firstName: 'Mei <b>' });
    const run = await seedRun(tdb.db, customerId, journeyId);
    const result = await sender.send(
      sendRequest(run, 'gift_email', { context: { entry: {}, steps: { offer: { code: 'WB20-XYZ' } } } }),
    );
    expect(result.status).toBe('sent');

    const mail = smtp.received.at(-1)!;
    const [row] = await tdb.db.select().from(messages).where(eq(messages.id, result.messageId));
    expect(mail.envelopeTo).toEqual([row!.recipient]);
    expect(mail.parsed.subject).toBe('Welcome back, Mei <b>');
    expect(mail.parsed.from?.value[0]).toMatchObject({ address: 'hello@shop.example', name: 'Shop' });
    expect(mail.parsed.text).toContain('your code is WB20-XYZ');
    expect(mail.parsed.html).toContain('<p>Hi Mei &lt;b&gt;</p>');
    expect(mail.parsed.messageId).toBe(row!.providerMessageId);
    expect(mail.parsed.messageId).toMatch(/^<[0-9a-f]{32}@shop\.example>$/);

    const headerBlock = mail.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    const url = /^List-Unsubscribe: <(https:\/\/wakeflow\.example\/api\/t\/u\/[^>]+)>$/m.exec(
      headerBlock,
    )?.[1];
    expect(url).toBeDefined();
    expect(verifyToken(keys, 'unsubscribe', url!.split('/').at(-1)!)).toMatchObject({
      w: WORKSPACE,
      c: customerId,
      ch: 'email',
      m: result.messageId,
    });
    expect(headerBlock).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    // The body's own unsubscribe link is kept as is; other links go through the click redirect; an open pixel is added.
    expect(mail.parsed.html).toContain(`href="${url}"`);
    expect(mail.parsed.html).toMatch(/href="https:\/\/wakeflow\.example\/api\/t\/c\/[^"]+">Shop/);
    expect(mail.parsed.html).toMatch(/<img src="https:\/\/wakeflow\.example\/api\/t\/o\//);
    expect(row).toMatchObject({
      status: 'sent',
      provider: 'local-smtp',
      attempts: 1,
      subject: 'Welcome back, Mei <b>',
    });
    // The password was stored encrypted and decrypted for the login.
    expect(smtp.logins).toContainEqual({ username: 'shop', password: 'smtp-password' });
  });

  it('answers a retry from the log without a second email', async () => {
    const run = await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId);
    const before = smtp.received.length;
    const first = await sender.send(sendRequest(run, 'n1'));
    const second = await sender.send(sendRequest(run, 'n1'));
    expect(second).toEqual(first);
    expect(smtp.received.length).toBe(before + 1);
  });

  it('records a 5xx rejection as failed with the server’s answer, and retries a 4xx', async () => {
    const bad = await seedCustomer(tdb.db, { email: 'nobody@shop.example' });
    smtp.rejectRecipient.set('nobody@shop.example', { code: 550, message: 'No such user' });
    const failed = await sender.send(sendRequest(await seedRun(tdb.db, bad, journeyId), 'n1'));
    expect(failed).toMatchObject({ status: 'failed', reason: expect.stringContaining('550') });
    const [row] = await tdb.db.select().from(messages).where(eq(messages.id, failed.messageId));
    expect(row!.providerResponse).toMatchObject({ responseCode: 550 });

    const busy = await seedCustomer(tdb.db, { email: 'busy@shop.example' });
    smtp.rejectRecipient.set('busy@shop.example', { code: 451, message: 'Try again later' });
    const req = sendRequest(await seedRun(tdb.db, busy, journeyId), 'n1');
    const error = await sender.send(req).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).type).toBe('ProviderUnavailable');
    expect((error as ApplicationFailure).nonRetryable).toBeFalsy();
    smtp.rejectRecipient.delete('busy@shop.example');
    expect((await sender.send(req)).status).toBe('sent');
    const [retried] = await tdb.db
      .select()
      .from(messages)
      .where(eq(messages.idempotencyKey, req.idempotencyKey));
    expect(retried!.attempts).toBe(2);
  });

  it('keeps a message pending and retryable while the SMTP server is unreachable', async () => {
    await createProvider(tdb.db, keys, 'test', {
      id: 'dead-smtp',
      channel: 'email',
      kind: 'smtp',
      settings: {
        host: '127.0.0.1',
        port: await closedPort(),
        fromAddress: 'x@shop.example',
        timeoutMs: 2_000,
      },
      isDefault: true,
    });
    try {
      const req = sendRequest(await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId), 'n1');
      const error = await sender.send(req).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApplicationFailure);
      const [row] = await tdb.db
        .select()
        .from(messages)
        .where(eq(messages.idempotencyKey, req.idempotencyKey));
      expect(row).toMatchObject({
        status: 'pending',
        provider: 'dead-smtp',
        reason: expect.stringMatching(/^retrying: SMTP/),
      });
      expect(row!.dispatchedAt).not.toBeNull();
    } finally {
      await tdb.db.delete(providers).where(eq(providers.id, 'dead-smtp'));
    }
  });

  it('refuses an SMTP host on a private address unless the operator allows it', async () => {
    const strict = createMessageSender({
      db: tdb.db,
      keys,
      publicBaseUrl: 'https://wakeflow.example',
      addressPolicy: { allowPrivateNetworks: false, allowedHosts: [] },
    });
    try {
      const result = await strict.send(
        sendRequest(await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId), 'n1'),
      );
      expect(result).toMatchObject({
        status: 'failed',
        reason: expect.stringContaining('private, loopback and link-local'),
      });
    } finally {
      await strict.close();
    }
  });
});
