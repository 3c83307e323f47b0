/**
 * Web push (RFC 8030/8291/8292): the `web-push` package encrypts the payload and signs the VAPID header; the
 * request goes through our address-checked client, because the endpoint URL comes from the customer's browser.
 * The `Topic` header is derived from the idempotency key: a push service replaces an undelivered message with the
 * same topic, which collapses a duplicate sent after a crash while the first is still queued.
 */
import { createHash } from 'node:crypto';
import webpush from 'web-push';
import { z } from 'zod';
import type { AddressPolicy } from '../net/address-policy';
import { safeHttpRequest } from '../net/safe-http';
import { providerErrorFromTransport, receiptFromHttp } from './http';
import { ProviderError, type DeliveryReceipt, type MessageProvider, type OutgoingMessage } from './types';

export const webPushSettingsSchema = z.object({
  vapidPublicKey: z.string().min(20),
  /** `mailto:` or `https:` contact of the sender, required by push services. */
  vapidSubject: z.string().regex(/^(mailto:|https:\/\/)/, 'Use a mailto: or https: contact'),
  ttlSeconds: z.number().int().min(0).max(2_419_200).default(86_400),
  urgency: z.enum(['very-low', 'low', 'normal', 'high']).default('normal'),
  timeoutMs: z.number().int().min(500).max(60_000).default(10_000),
});
export type WebPushSettings = z.infer<typeof webPushSettingsSchema>;

export const webPushSecretsSchema = z.object({ vapidPrivateKey: z.string().min(20) });
export type WebPushSecrets = z.infer<typeof webPushSecretsSchema>;

const subscriptionSchema = z.object({
  endpoint: z.url({ protocol: /^https?$/ }),
  keys: z.object({ p256dh: z.string().min(1), auth: z.string().min(1) }),
});

export function createWebPushProvider(
  id: string,
  settings: WebPushSettings,
  secrets: WebPushSecrets,
  policy: AddressPolicy,
): MessageProvider {
  return {
    id,
    kind: 'web_push',
    channel: 'push',
    acceptsIdempotencyKey: false,
    async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
      let subscription: z.infer<typeof subscriptionSchema>;
      try {
        subscription = subscriptionSchema.parse(JSON.parse(message.to));
      } catch {
        throw new ProviderError(
          'The push token is not a web push subscription (JSON with endpoint and keys)',
          'permanent',
        );
      }
      const payload = JSON.stringify({
        title: message.subject ?? '',
        body: message.text,
        messageId: message.messageId,
      });
      const topic = createHash('sha256').update(message.idempotencyKey).digest('base64url').slice(0, 32);
      try {
        const details = webpush.generateRequestDetails(subscription, payload, {
          vapidDetails: {
            subject: settings.vapidSubject,
            publicKey: settings.vapidPublicKey,
            privateKey: secrets.vapidPrivateKey,
          },
          TTL: settings.ttlSeconds,
          urgency: settings.urgency,
          topic,
          contentEncoding: 'aes128gcm',
        });
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(details.headers)) headers[k] = String(v);
        const res = await safeHttpRequest(
          {
            url: details.endpoint,
            method: 'POST',
            headers,
            body: details.body,
            timeoutMs: settings.timeoutMs,
          },
          policy,
        );
        // 404/410: the subscription is gone for good; classifyHttpStatus already treats them as permanent.
        return receiptFromHttp(res.status, res.body, undefined);
      } catch (error) {
        throw providerErrorFromTransport(error);
      }
    },
  };
}
