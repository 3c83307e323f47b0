import { describe, expect, it } from 'vitest';
import { deliverAll } from './deliver-all';
import { ProviderError, type MessageProvider, type OutgoingMessage } from './types';

const message = (n: number): OutgoingMessage => ({
  messageId: `m${n}`,
  idempotencyKey: `k${n}`,
  channel: 'email',
  to: `c${n}@example.com`,
  subject: null,
  text: 'hi',
  html: null,
  headers: {},
  unsubscribeUrl: null,
});

describe('deliverAll', () => {
  it('calls a provider without a batch API per message, a few at a time, answering each in order', async () => {
    let inFlight = 0;
    let most = 0;
    const provider: MessageProvider = {
      id: 'smtp',
      kind: 'smtp',
      channel: 'email',
      acceptsIdempotencyKey: false,
      async send(m) {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
        if (m.to === 'c3@example.com') throw new ProviderError('mailbox unknown', 'permanent');
        if (m.to === 'c4@example.com') throw new TypeError('bug');
        return { providerMessageId: `id-${m.messageId}`, response: {} };
      },
    };
    const outcomes = await deliverAll(
      provider,
      Array.from({ length: 20 }, (_, i) => message(i)),
      4,
    );
    expect(most).toBe(4);
    expect(outcomes[0]).toEqual({ receipt: { providerMessageId: 'id-m0', response: {} } });
    expect(outcomes[3]).toMatchObject({ refused: { message: 'mailbox unknown', kind: 'permanent' } });
    expect(outcomes[4]).toMatchObject({ crashed: expect.any(TypeError) });
    expect(outcomes[19]).toEqual({ receipt: { providerMessageId: 'id-m19', response: {} } });
  });

  it('hands a batch API all messages at once; its thrown refusal or a short answer counts for every message', async () => {
    const calls: number[] = [];
    let answer: 'ok' | 'down' | 'short' = 'ok';
    const provider: MessageProvider = {
      id: 'gw',
      kind: 'http',
      channel: 'sms',
      acceptsIdempotencyKey: true,
      send: () => Promise.reject(new Error('not per message')),
      async sendBatch(messages) {
        calls.push(messages.length);
        if (answer === 'down') throw new ProviderError('HTTP 503', 'transient');
        const receipts = messages.map((m) => ({ providerMessageId: m.messageId, response: {} }));
        return answer === 'short' ? receipts.slice(1) : receipts;
      },
    };
    const batch = [message(1), message(2), message(3)];
    expect(await deliverAll(provider, batch)).toEqual(
      batch.map((m) => ({ receipt: { providerMessageId: m.messageId, response: {} } })),
    );
    answer = 'down';
    const down = await deliverAll(provider, batch);
    expect(down.every((o) => 'refused' in o && o.refused.kind === 'transient')).toBe(true);
    answer = 'short';
    const short = await deliverAll(provider, batch);
    expect(short.every((o) => 'crashed' in o)).toBe(true);
    expect(calls).toEqual([3, 3, 3]);
  });
});
