/**
 * What node activities may use, injected by the worker. Kept as interfaces so a node module never opens its own
 * connections and tests can hand in real adapters on a test database.
 */
import type { Condition } from '@wakeflow/journey';
import type { Database } from '@wakeflow/db';

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

export interface MessageSender {
  send(request: SendRequest): Promise<SendResult>;
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

export interface NodeLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface NodeServices {
  db: Database;
  messaging: MessageSender;
  conditions: ConditionEvaluator;
  logger: NodeLogger;
}
