/**
 * The common interface of every delivery provider (SMTP, HTTP, Twilio, web push, log), and the one error type they
 * throw, which says whether retrying can help. The sender depends on this file only, never on a concrete provider.
 */
export type ProviderChannel = 'email' | 'sms' | 'push' | 'webhook';

export interface OutgoingMessage {
  /** The message row's id. */
  messageId: string;
  /** Stable across retries of the same send; passed on to providers that deduplicate by key. */
  idempotencyKey: string;
  channel: ProviderChannel;
  /** Email address, E.164 phone number, or push token / subscription JSON. */
  to: string;
  /** Email subject or push title. */
  subject: string | null;
  text: string;
  html: string | null;
  /** Extra headers for email (List-Unsubscribe…). */
  headers: Record<string, string>;
  /** The one-click unsubscribe URL, when the message has one. */
  unsubscribeUrl: string | null;
  /**
   * The body carries a one-time secret meant for the addressee alone (a password reset or invitation link). A
   * provider that records messages instead of delivering them must not keep the body: whoever reads the record
   * could use the secret.
   */
  confidential?: boolean;
}

export interface DeliveryReceipt {
  /** The provider's id for the message, when it gives one. */
  providerMessageId: string | null;
  /** A short record of the provider's answer, kept on the message row. */
  response: Record<string, unknown>;
}

export interface MessageProvider {
  /** The provider row's id (`log` for the built-in development provider). */
  readonly id: string;
  readonly kind: string;
  readonly channel: ProviderChannel;
  /**
   * Whether the provider deduplicates by our idempotency key. If so, calling it again after a crash is harmless;
   * if not, the sender's crash window between the call and recording its result can deliver twice.
   */
  readonly acceptsIdempotencyKey: boolean;
  send(message: OutgoingMessage): Promise<DeliveryReceipt>;
  /**
   * Many messages in one call, for providers with a batch API: per message, in order, its receipt or why it was
   * not accepted. Throwing a ProviderError fails every message of the call alike. Without it the sender calls
   * `send` per message, a few at a time (`deliverAll`).
   */
  sendBatch?(messages: readonly OutgoingMessage[]): Promise<(DeliveryReceipt | ProviderError)[]>;
  /** Releases pooled connections. */
  close?(): Promise<void>;
}

export type ProviderFailureKind = 'transient' | 'permanent';

/**
 * A provider call failed. `transient` (timeouts, connection errors, 429, 5xx, SMTP 4xx) is retried with backoff;
 * `permanent` (bad address, rejected content, blocked target) is recorded with the provider's answer.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: ProviderFailureKind,
    readonly response: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** HTTP status → retry or not: rate limits, timeouts and server errors pass; other client errors will not. */
export function classifyHttpStatus(status: number): ProviderFailureKind | null {
  if (status >= 200 && status < 300) return null;
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'transient';
  return 'permanent';
}

/** A short excerpt of a provider's answer body for the message log. */
export function excerpt(body: string, max = 500): string {
  return body.length > max ? `${body.slice(0, max)}…` : body;
}
