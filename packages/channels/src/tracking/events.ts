/**
 * How channel-side facts (delivered, opened, clicked, unsubscribed, coupon redeemed) become customer events.
 * The default writes to the `events` table, idempotent on the deterministic event id; the API and worker should
 * pass their ingest function instead, so that running journeys waiting for `message_opened` are signalled too.
 */
import { events, type Database } from '@wakeflow/db';

export interface ChannelEvent {
  workspaceId: string;
  /** Deterministic, so the same fact recorded twice is one event. */
  eventId: string;
  customerId: string;
  customerExternalId: string;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
}

export interface EventRecorder {
  record(event: ChannelEvent): Promise<void>;
  /** Many facts in one go (a batch of messages delivered). */
  recordMany(events: readonly ChannelEvent[]): Promise<void>;
}

export function createDbEventRecorder(db: Database): EventRecorder {
  async function recordMany(batch: readonly ChannelEvent[]): Promise<void> {
    if (batch.length === 0) return;
    await db
      .insert(events)
      .values(
        batch.map((event) => ({
          workspaceId: event.workspaceId,
          eventId: event.eventId,
          customerExternalId: event.customerExternalId,
          customerId: event.customerId,
          name: event.name,
          properties: event.properties,
          occurredAt: event.occurredAt,
        })),
      )
      .onConflictDoNothing();
  }
  return { recordMany, record: (event) => recordMany([event]) };
}
