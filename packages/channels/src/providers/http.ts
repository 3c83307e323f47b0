/**
 * A generic HTTP provider for SMS and push gateways without a dedicated adapter: a URL, an auth header (secret),
 * and a Liquid body template over the message (`{{ to | json }}`, `{{ text | json }}`…). When the gateway accepts
 * an idempotency header, name it and retries after a crash are deduplicated by the gateway.
 */
import { z } from 'zod';
import { templateEngine } from '../templates/engine';
import type { AddressPolicy } from '../net/address-policy';
import { HttpTransportError, safeHttpRequest } from '../net/safe-http';
import { BlockedAddressError, UnresolvableHostError } from '../net/resolve';
import {
  classifyHttpStatus,
  excerpt,
  ProviderError,
  type DeliveryReceipt,
  type MessageProvider,
  type OutgoingMessage,
  type ProviderChannel,
} from './types';

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'Not a header name');

export const httpSettingsSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'Use an http(s) URL' }),
  method: z.enum(['POST', 'PUT']).default('POST'),
  /** Non-secret headers. */
  headers: z.record(headerName, z.string().max(2_000)).default({}),
  contentType: z.string().default('application/json'),
  /** Liquid over `to`, `subject`, `text`, `html`, `message_id`, `idempotency_key`; use `| json` to quote. */
  bodyTemplate: z
    .string()
    .min(1)
    .max(20_000)
    .default('{"to": {{ to | json }}, "text": {{ text | json }}, "title": {{ subject | json }}}'),
  /** Header carrying our idempotency key, e.g. `Idempotency-Key`, if the gateway deduplicates by it. */
  idempotencyHeader: headerName.optional(),
  authHeaderName: headerName.default('Authorization'),
  /** Dot path to the gateway's message id in a JSON answer, e.g. `id` or `data.message_id`. */
  messageIdPath: z.string().max(200).optional(),
  timeoutMs: z.number().int().min(500).max(60_000).default(10_000),
});
export type HttpSettings = z.infer<typeof httpSettingsSchema>;

export const httpSecretsSchema = z.object({
  /** Value of the auth header, e.g. `Bearer sk_live_…`. */
  authHeaderValue: z.string().optional(),
});
export type HttpSecrets = z.infer<typeof httpSecretsSchema>;

function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Shared by HTTP-shaped providers: status → receipt or ProviderError. */
export function receiptFromHttp(status: number, body: string, messageIdPath?: string): DeliveryReceipt {
  const failure = classifyHttpStatus(status);
  const response = { status, body: excerpt(body) };
  if (failure) throw new ProviderError(`HTTP ${status}: ${excerpt(body, 200)}`, failure, response);
  let providerMessageId: string | null = null;
  if (messageIdPath) {
    try {
      const id = pick(JSON.parse(body), messageIdPath);
      if (typeof id === 'string' || typeof id === 'number') providerMessageId = String(id);
    } catch {
      // Not JSON: the send still succeeded, we just have no id to show.
    }
  }
  return { providerMessageId, response };
}

/** Shared by HTTP-shaped providers: transport and policy errors → ProviderError. */
export function providerErrorFromTransport(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof BlockedAddressError)
    return new ProviderError(error.message, 'permanent', { blocked: error.address });
  if (error instanceof UnresolvableHostError)
    return new ProviderError(error.message, 'permanent', { unresolvable: error.host });
  if (error instanceof HttpTransportError)
    return new ProviderError(error.message, 'transient', { code: error.code });
  return new ProviderError(error instanceof Error ? error.message : String(error), 'permanent');
}

export function createHttpProvider(
  id: string,
  channel: ProviderChannel,
  settings: HttpSettings,
  secrets: HttpSecrets,
  policy: AddressPolicy,
): MessageProvider {
  const engine = templateEngine('text');
  const bodyTemplate = engine.parse(settings.bodyTemplate);
  return {
    id,
    kind: 'http',
    channel,
    acceptsIdempotencyKey: settings.idempotencyHeader !== undefined,
    async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
      try {
        const body = String(
          await engine.render(bodyTemplate, {
            to: message.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
            message_id: message.messageId,
            idempotency_key: message.idempotencyKey,
          }),
        );
        const headers: Record<string, string> = { ...settings.headers, 'Content-Type': settings.contentType };
        if (secrets.authHeaderValue) headers[settings.authHeaderName] = secrets.authHeaderValue;
        if (settings.idempotencyHeader) headers[settings.idempotencyHeader] = message.idempotencyKey;
        const res = await safeHttpRequest(
          { url: settings.url, method: settings.method, headers, body, timeoutMs: settings.timeoutMs },
          policy,
        );
        return receiptFromHttp(res.status, res.body, settings.messageIdPath);
      } catch (error) {
        throw providerErrorFromTransport(error);
      }
    },
  };
}
