/**
 * Where the sender notes, outside the database, that a provider accepted a message. Recording the acceptance in the
 * message row can fail (PostgreSQL is down); the next attempt must then record it, not call the provider again. Inside
 * a Temporal activity the journal is the activity's heartbeat details, which the server keeps across attempts
 * (packages/temporal/src/worker/acceptance-journal.ts). With no journal, an attempt that could not record the
 * acceptance before its lease ran out leaves the next attempt to call the provider again.
 */
import type { DeliveryReceipt } from '../providers/types';

export interface AcceptanceJournal {
  /** The receipt an earlier attempt of this send noted for the message, if any. */
  recall(messageId: string): DeliveryReceipt | undefined;
  /** Notes receipts (by message id) before their rows are updated, a batch's in one note; must not throw. */
  remember(accepted: ReadonlyMap<string, DeliveryReceipt>): void;
}

/** Reads a receipt back from untyped storage (heartbeat details are JSON). */
export function readReceipt(value: unknown): DeliveryReceipt | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { providerMessageId, response } = value as Record<string, unknown>;
  if (providerMessageId !== null && typeof providerMessageId !== 'string') return undefined;
  if (typeof response !== 'object' || response === null || Array.isArray(response)) return undefined;
  return { providerMessageId, response: response as Record<string, unknown> };
}
