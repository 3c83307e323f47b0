/**
 * What a node kind's activity may do, as narrow ports the worker injects: update a customer, send a message, judge
 * a condition, log. A kind never sees the database handle, so its module stays browser-safe (the editor imports
 * it for outcomes and words) and tests hand in small fakes or real adapters on a test database.
 */
import type { Condition } from '@wakeflow/journey';

export type Channel = 'email' | 'sms' | 'push';

export interface SendRequest {
  workspaceId: string;
  /** Unique per run and step, independent of the attempt. */
  idempotencyKey: string;
  customerId: string;
  channel: Channel;
  templateId: string;
  runId: string;
  journeyId: string;
  nodeId: string;
  /** Holdout members are recorded as skipped and never messaged. */
  holdout: boolean;
  /** Run context exposed to the template (`entry`, `steps`). */
  context: Record<string, unknown>;
  /** Workflow time when the step asked for the message (virtual time in tests and replays). */
  requestedAt: string;
  /**
   * The journey's priority, 1 (lowest) to 10 (plan `settings.priority`): decides which journey's message waits or
   * skips when a frequency cap is reached. When absent the sender reads it from the run's published plan.
   */
  priority?: number;
  /** Only send inside this local-time window of the customer (S-RE-7, e.g. weekdays 20:00–21:00); otherwise wait. */
  sendWindow?: SendWindow;
}

export interface SendWindow {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  /** 24-hour local times; `end` may be before `start` to wrap midnight. */
  start: string;
  end: string;
}

export interface SendResult {
  messageId: string;
  /**
   * `deferred`: a rule (quiet hours, send window, frequency cap, rate limit) says "not now". The sender answers
   * with `retryAt` instead of throwing: the journey then sleeps on a durable timer until that time and asks again
   * with the same idempotency key, so a deferral never uses up activity retries. Rules judge by `requestedAt`
   * (the journey's clock), not the wall clock, so they behave the same in time-skipping tests and replays.
   */
  status: 'sent' | 'skipped' | 'failed' | 'deferred';
  reason?: string;
  /** With `deferred`: when to ask again (ISO time). */
  retryAt?: string;
}

/**
 * A batch member the sender could not finish now for a reason outside the sending rules: the provider is
 * unavailable (`provider_unavailable`: timeout, connection error, 429, 5xx) or another attempt is talking to the
 * provider about this very message (`send_in_progress`). `send` throws these as retryable activity failures;
 * `sendBatch` answers them, so the caller retries only these members (same requests, same idempotency keys), after
 * `retryAfterMs` when given, else with its retry policy's backoff. Unlike `deferred`, a retry is a failed attempt.
 */
export interface SendRetry {
  messageId: string;
  status: 'retry';
  cause: 'provider_unavailable' | 'send_in_progress';
  reason: string;
  retryAfterMs?: number;
}

/** What `sendBatch` answers per request: what `send` returns, or what `send` would have thrown as retryable. */
export type BatchSendResult = SendResult | SendRetry;

/** `messages.send` — the port of the send path (exactly once per idempotency key, within the sending rules). */
export interface MessageSender {
  send(request: SendRequest): Promise<SendResult>;
  /**
   * The same sends, many at once (one step of a cohort): answers in request order, each what `send` answers for
   * that request, with the same guarantees per message, in a few set-based statements and provider batch calls
   * instead of ~10 statements per message. All requests share `workspaceId`, `templateId`, `channel`, `nodeId` and
   * `journeyId` (a mixed batch is a programming error and throws). A transient failure of some members is answered
   * as `status: 'retry'` for those members only (see `SendRetry`); the call itself throws only for what would
   * fail every member (the database unreachable, a bug).
   */
  sendBatch(requests: readonly SendRequest[]): Promise<BatchSendResult[]>;
}

export interface ConditionEvaluator {
  /** Whether the customer meets the condition now; `enteredAt` anchors "since entry" windows. */
  matches(input: {
    workspaceId: string;
    customerId: string;
    condition: Condition;
    enteredAt: string;
    now: string;
  }): Promise<boolean>;
}

export interface CustomerRef {
  workspaceId: string;
  customerId: string;
}

/** What a step may read of a customer's profile. */
export interface CustomerProfile {
  traits: Record<string, unknown>;
  tags: string[];
  /** Lifetime spend in the workspace's currency units. */
  totalSpend: number;
}

/** A set-based profile change: applying it twice leaves the same profile (activities are retried). */
export interface CustomerChange {
  setTraits?: Record<string, string | number | boolean | null>;
  addTags?: readonly string[];
  removeTags?: readonly string[];
}

/** `customers.get` / `customers.update` — the only way a step reads or changes a profile. */
export interface CustomerStore {
  get(ref: CustomerRef): Promise<CustomerProfile | null>;
  update(ref: CustomerRef, change: CustomerChange): Promise<void>;
}

export interface NodeLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** The ports every installation's worker provides to node activities. */
export interface NodePorts {
  customers: CustomerStore;
  messaging: MessageSender;
  conditions: ConditionEvaluator;
  logger: NodeLogger;
}
