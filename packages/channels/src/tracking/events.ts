/**
 * How channel-side facts (delivered, opened, clicked, unsubscribed, coupon redeemed) become customer events.
 * The default writes to the `events` table, idempotent on the deterministic event id; the API and worker should
 * pass their ingest function instead, so that running journeys waiting for `message_opened` are signalled too.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '@wakeflow/db';

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
    // One JSON parameter for the rows: a batch's thousand events assemble in no time (column by column they do not).
    const rows = batch.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() }));
    await db.execute(sql`
      insert into events (workspace_id, event_id, customer_external_id, customer_id, name, properties, occurred_at)
      select v."workspaceId", v."eventId", v."customerExternalId", v."customerId", v.name, v.properties,
        v."occurredAt"
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v("workspaceId" text, "eventId" text,
        "customerExternalId" text, "customerId" uuid, name text, properties jsonb, "occurredAt" timestamptz)
      on conflict do nothing`);
  }
  return { recordMany, record: (event) => recordMany([event]) };
}
