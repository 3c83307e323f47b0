/**
 * Event ingest: one statement per batch inserts the new events (idempotent on the sender's event id), attaches
 * them to known customers and moves those customers' facts forward. 10,000 events are one round trip.
 */
import { sql } from 'drizzle-orm';
import type { EventInput } from '@wakeflow/journey';
import type { Database } from '@wakeflow/db';
import { factUpdateCtes } from '../facts/apply-facts';
import { loadAudienceSettings, type AudienceSettings } from '../settings';
import { withDeadlockRetry } from '../sql/retry';
import { EventAmountError, eventAmountIssues } from './amounts';

/** An event as stored: what callers need to signal waiting runs and start event-triggered ones. */
export interface StoredEvent {
  /** Database id (events.id). */
  id: number;
  eventId: string;
  customerExternalId: string;
  /** Null while the customer is unknown; the event is attached when they appear. */
  customerId: string | null;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: string;
}

export interface IngestResult {
  /** Events inserted by this call (not seen before). */
  accepted: StoredEvent[];
  /** Inputs whose event id was already stored (or repeated within the batch). */
  duplicates: number;
}

interface InsertedRow extends Record<string, unknown> {
  id: string;
  event_id: string;
  customer_external_id: string;
  customer_id: string | null;
  name: string;
  properties: Record<string, unknown>;
  occurred_at: Date;
}

export async function ingestEvents(
  db: Database,
  workspaceId: string,
  inputs: readonly EventInput[],
  options: {
    settings?: AudienceSettings;
    /**
     * Also queue each inserted event's follow-up work (coupons, conversions, routing) in `event_outbox`, in the
     * same statement: an event is never stored without it.
     */
    outbox?: boolean;
  } = {},
): Promise<IngestResult> {
  if (inputs.length === 0) return { accepted: [], duplicates: 0 };
  const settings = options.settings ?? (await loadAudienceSettings(db, workspaceId));
  // Entry points check first and name the field; this keeps any caller that forgets from storing a bad amount.
  const amountIssues = eventAmountIssues(settings, inputs);
  if (amountIssues.length > 0) throw new EventAmountError(amountIssues);
  // The batch travels as one JSON parameter: no parameter-count limit, and PostgreSQL parses it in one pass.
  const batch = JSON.stringify(
    inputs.map((e) => ({
      event_id: e.eventId,
      customer_external_id: e.customerExternalId,
      name: e.name,
      properties: e.properties ?? {},
      occurred_at: e.occurredAt,
    })),
  );
  const queued = options.outbox
    ? sql`queued as (
        insert into event_outbox (event_id, workspace_id, customer_external_id, occurred_at)
        select id, ${workspaceId}, customer_external_id, occurred_at from ins
      ),`
    : sql``;
  const statement = sql`
    with input as (
      select * from jsonb_to_recordset(${batch}::jsonb)
        as t(event_id text, customer_external_id text, name text, properties jsonb, occurred_at timestamptz)
    ),
    ins as (
      insert into events (workspace_id, event_id, customer_external_id, customer_id, name, properties, occurred_at)
      select ${workspaceId}, i.event_id, i.customer_external_id, c.id, i.name, coalesce(i.properties, '{}'::jsonb), i.occurred_at
      from input i
      left join customers c on c.workspace_id = ${workspaceId} and c.external_id = i.customer_external_id
      on conflict (workspace_id, event_id) do nothing
      returning id, event_id, customer_external_id, customer_id, name, properties, occurred_at
    ),
    ${queued}
    changed as (select customer_id, name, properties, occurred_at from ins),
    ${factUpdateCtes(workspaceId, settings)}
    select * from ins`;
  const result = await withDeadlockRetry(() => db.execute<InsertedRow>(statement));
  const accepted = result.rows.map(toStoredEvent);
  return { accepted, duplicates: inputs.length - accepted.length };
}

export function toStoredEvent(row: InsertedRow): StoredEvent {
  return {
    id: Number(row.id),
    eventId: row.event_id,
    customerExternalId: row.customer_external_id,
    customerId: row.customer_id,
    name: row.name,
    properties: row.properties,
    occurredAt: new Date(row.occurred_at).toISOString(),
  };
}
