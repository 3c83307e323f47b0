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
}

export interface SendResult {
  messageId: string;
  status: 'sent' | 'skipped' | 'failed';
  reason?: string;
}

export interface MessageSender {
  send(request: SendRequest): Promise<SendResult>;
}

export interface ConditionEvaluator {
  /** Whether the customer meets the condition now; `enteredAt` anchors "since entry" windows. */
  matches(input: { workspaceId: string; customerId: string; condition: Condition; enteredAt: string; now: string }): Promise<boolean>;
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
