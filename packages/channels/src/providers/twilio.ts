/**
 * SMS through Twilio's Messages REST API: form-encoded POST to
 * `/2010-04-01/Accounts/{AccountSid}/Messages.json` with basic auth (account SID : auth token). Twilio does not
 * deduplicate API requests by key, so this provider is at-least-once in the sender's crash window.
 */
import { z } from 'zod';
import type { AddressPolicy } from '../net/address-policy';
import { safeHttpRequest } from '../net/safe-http';
import { providerErrorFromTransport, receiptFromHttp } from './http';
import { type DeliveryReceipt, type MessageProvider, type OutgoingMessage } from './types';

export const twilioSettingsSchema = z
  .object({
    accountSid: z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'An account SID starts with AC and has 32 hex digits'),
    /** A Twilio number in E.164, or use a messaging service. */
    from: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/)
      .optional(),
    messagingServiceSid: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/)
      .optional(),
    /** Overridable for regional edges and for tests against a local stand-in. */
    baseUrl: z.url().default('https://api.twilio.com'),
    statusCallback: z.url().optional(),
    timeoutMs: z.number().int().min(500).max(60_000).default(10_000),
  })
  .refine((s) => s.from || s.messagingServiceSid, {
    message: 'Set a sender number or a messaging service',
    path: ['from'],
  });
export type TwilioSettings = z.infer<typeof twilioSettingsSchema>;

export const twilioSecretsSchema = z.object({ authToken: z.string().min(1, 'Required') });
export type TwilioSecrets = z.infer<typeof twilioSecretsSchema>;

/** Twilio answers 400 for numbers that cannot receive (invalid, opted out): permanent, like every non-429 4xx. */
export function createTwilioProvider(
  id: string,
  settings: TwilioSettings,
  secrets: TwilioSecrets,
  policy: AddressPolicy,
): MessageProvider {
  const url = `${settings.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${settings.accountSid}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${settings.accountSid}:${secrets.authToken}`).toString('base64')}`;
  return {
    id,
    kind: 'twilio',
    channel: 'sms',
    acceptsIdempotencyKey: false,
    async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
      const form = new URLSearchParams({ To: message.to, Body: message.text });
      if (settings.messagingServiceSid) form.set('MessagingServiceSid', settings.messagingServiceSid);
      else if (settings.from) form.set('From', settings.from);
      if (settings.statusCallback) form.set('StatusCallback', settings.statusCallback);
      try {
        const res = await safeHttpRequest(
          {
            url,
            method: 'POST',
            headers: {
              Authorization: auth,
              'Content-Type': 'application/x-www-form-urlencoded',
              Accept: 'application/json',
            },
            body: form.toString(),
            timeoutMs: settings.timeoutMs,
          },
          policy,
        );
        return receiptFromHttp(res.status, res.body, 'sid');
      } catch (error) {
        throw providerErrorFromTransport(error);
      }
    },
  };
}
