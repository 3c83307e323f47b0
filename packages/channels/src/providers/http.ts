/**
 * A generic HTTP provider for SMS and push gateways without a dedicated adapter: a URL, an auth header (secret),
 * and a Liquid body template over the message (`{{ to | json }}`, `{{ text | json }}`…). When the gateway accepts
 * an idempotency header, name it and retries after a crash are deduplicated by the gateway.
 */
import { createHash } from 'node:crypto';
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
  /** The gateway's batch endpoint, if it has one: many messages per request (a cohort's step sends through it). */
  batch: z
    .object({
      url: z.url({ protocol: /^https?$/, error: 'Use an http(s) URL' }),
      /**
       * Liquid over `messages`, a list of what the single body sees per message (`to`, `subject`, `text`, `html`,
       * `message_id`, `idempotency_key`: each message keeps its own key).
       */
      bodyTemplate: z.string().min(1).max(20_000).default('{"messages": {{ messages | json }}}'),
      /** Dot path to the list of per-message answers in the JSON reply, one per message in the order sent. */
      resultsPath: z.string().min(1).max(200).default('results'),
      /** Within an answer: its HTTP-like status (2xx accepted, 408/429/5xx retried, other 4xx refused). */
      statusPath: z.string().min(1).max(200).default('status'),
      /** Within an answer: the gateway's id of the message. */
      messageIdPath: z.string().min(1).max(200).default('id'),
      maxMessages: z.number().int().min(1).max(1_000).default(100),
    })
    .optional(),
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

/** The variables a body template sees for one message. */
function bodyVariables(message: OutgoingMessage): Record<string, string | null> {
  return {
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    message_id: message.messageId,
    idempotency_key: message.idempotencyKey,
  };
}

/**
 * A batch reply → per message, a receipt or a ProviderError. A failed request fails every message alike; a 2xx
 * reply whose per-message answers cannot be read refuses them all permanently: some may have been delivered, so
 * a retry could deliver twice, and the answer is kept for a person to look at.
 */
export function receiptsFromBatchReply(
  status: number,
  body: string,
  count: number,
  paths: { resultsPath: string; statusPath: string; messageIdPath: string },
): (DeliveryReceipt | ProviderError)[] {
  const failure = classifyHttpStatus(status);
  if (failure) {
    const error = new ProviderError(`HTTP ${status}: ${excerpt(body, 200)}`, failure, {
      status,
      body: excerpt(body),
    });
    return Array.from({ length: count }, () => error);
  }
  let results: unknown;
  try {
    results = pick(JSON.parse(body), paths.resultsPath);
  } catch {
    results = undefined;
  }
  if (!Array.isArray(results) || results.length !== count) {
    const error = new ProviderError(
      `Batch reply has no list of ${count} answers at “${paths.resultsPath}”: ${excerpt(body, 200)}`,
      'permanent',
      { status, body: excerpt(body) },
    );
    return Array.from({ length: count }, () => error);
  }
  return results.map((item: unknown, i) => {
    const answer = excerpt(JSON.stringify(item) ?? 'null', 200);
    const response = { status, batchIndex: i, answer };
    const itemStatus = Number(pick(item, paths.statusPath));
    const itemFailure = Number.isInteger(itemStatus) ? classifyHttpStatus(itemStatus) : 'permanent';
    if (itemFailure)
      return new ProviderError(
        `Batch answer ${itemStatus || 'without a status'}: ${answer}`,
        itemFailure,
        response,
      );
    const id = pick(item, paths.messageIdPath);
    return {
      providerMessageId: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
      response,
    };
  });
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
  const batch = settings.batch;
  const batchTemplate = batch ? engine.parse(batch.bodyTemplate) : undefined;

  function headersFor(idempotencyKey: string): Record<string, string> {
    const headers: Record<string, string> = { ...settings.headers, 'Content-Type': settings.contentType };
    if (secrets.authHeaderValue) headers[settings.authHeaderName] = secrets.authHeaderValue;
    if (settings.idempotencyHeader) headers[settings.idempotencyHeader] = idempotencyKey;
    return headers;
  }

  /** One request of up to `maxMessages`: its answers, or the transport's failure for each of its messages. */
  async function postBatch(
    endpoint: NonNullable<HttpSettings['batch']>,
    template: NonNullable<typeof batchTemplate>,
    messages: readonly OutgoingMessage[],
  ): Promise<(DeliveryReceipt | ProviderError)[]> {
    try {
      const body = String(await engine.render(template, { messages: messages.map(bodyVariables) }));
      // The request's own key: the same messages sent again are the same request to a gateway that deduplicates.
      const key = `batch:${createHash('sha256')
        .update(messages.map((m) => m.idempotencyKey).join('\n'))
        .digest('hex')}`;
      const res = await safeHttpRequest(
        {
          url: endpoint.url,
          method: settings.method,
          headers: headersFor(key),
          body,
          timeoutMs: settings.timeoutMs,
          maxResponseBytes: 4_194_304,
        },
        policy,
      );
      return receiptsFromBatchReply(res.status, res.body, messages.length, endpoint);
    } catch (error) {
      const failure = providerErrorFromTransport(error);
      return messages.map(() => failure);
    }
  }

  return {
    id,
    kind: 'http',
    channel,
    acceptsIdempotencyKey: settings.idempotencyHeader !== undefined,
    async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
      try {
        const body = String(await engine.render(bodyTemplate, bodyVariables(message)));
        const res = await safeHttpRequest(
          {
            url: settings.url,
            method: settings.method,
            headers: headersFor(message.idempotencyKey),
            body,
            timeoutMs: settings.timeoutMs,
          },
          policy,
        );
        return receiptFromHttp(res.status, res.body, settings.messageIdPath);
      } catch (error) {
        throw providerErrorFromTransport(error);
      }
    },
    ...(batch && batchTemplate
      ? {
          async sendBatch(messages: readonly OutgoingMessage[]) {
            const answers: (DeliveryReceipt | ProviderError)[] = [];
            for (let i = 0; i < messages.length; i += batch.maxMessages)
              answers.push(
                ...(await postBatch(batch, batchTemplate, messages.slice(i, i + batch.maxMessages))),
              );
            return answers;
          },
        }
      : {}),
  };
}
