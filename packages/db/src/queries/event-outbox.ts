/**
 * The event outbox's queries (`event_outbox`, see the schema): claiming the rows a drainer works on, and settling
 * them. The drainer in @wakeflow/catalog holds one transaction from the claim to the settling, so its row locks
 * keep every other drainer away from those rows and from the later rows of the same customers.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { eventOutbox } from '../schema/index';

/** The transaction handle `Database.transaction` passes to its callback. */
export type DatabaseTransaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** A claimed row with the event it stands for. */
export interface ClaimedOutboxRow {
  /** events.id */
  id: number;
  workspaceId: string;
  /** Coupon redemption and conversions already committed: only routing is left. */
  recorded: boolean;
  attempts: number;
  /** The sender's event id. */
  eventId: string;
  customerExternalId: string;
  customerId: string | null;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
}

interface ClaimedRow extends Record<string, unknown> {
  id: string;
  workspace_id: string;
  recorded: boolean;
  attempts: number;
  event_id: string;
  customer_external_id: string;
  customer_id: string | null;
  name: string;
  properties: Record<string, unknown>;
  occurred_at: Date;
}

function workspaceFilter(workspaceIds: readonly string[] | undefined) {
  return workspaceIds
    ? sql`and o.workspace_id in (${sql.join(
        workspaceIds.map((w) => sql`${w}`),
        sql`, `,
      )})`
    : sql``;
}

// `o` is its customer's head when no pending row of the same customer comes before it (occurred_at, insert order).
const isHead = sql`not exists (
  select 1 from event_outbox p
  where p.workspace_id = o.workspace_id and p.customer_external_id = o.customer_external_id
    and (p.occurred_at, p.event_id) < (o.occurred_at, o.event_id)
)`;

/**
 * Locks the due head rows of up to `limit` customers. Rows other transactions hold are skipped, and since a held
 * head still exists, the rows behind it are not heads either: one customer's events never run side by side.
 */
export async function claimOutboxHeads(
  tx: DatabaseTransaction,
  options: { limit: number; workspaceIds?: readonly string[] },
): Promise<ClaimedOutboxRow[]> {
  const result = await tx.execute<ClaimedRow>(sql`
    select o.event_id::text as id, o.workspace_id, o.recorded_at is not null as recorded, o.attempts,
      e.event_id, e.customer_external_id, e.customer_id, e.name, e.properties, e.occurred_at
    from event_outbox o
    join events e on e.id = o.event_id
    where o.next_attempt_at <= now() ${workspaceFilter(options.workspaceIds)} and ${isHead}
    order by o.next_attempt_at, o.event_id
    limit ${options.limit}
    for update of o skip locked`);
  return result.rows.map((r) => ({
    id: Number(r.id),
    workspaceId: r.workspace_id,
    recorded: r.recorded,
    attempts: r.attempts,
    eventId: r.event_id,
    customerExternalId: r.customer_external_id,
    customerId: r.customer_id,
    name: r.name,
    properties: r.properties,
    occurredAt: new Date(r.occurred_at),
  }));
}

/** Whether some customer's head row is due (after a claim found none: another drainer holds it). */
export async function anyDueOutboxHead(db: Database, workspaceIds?: readonly string[]): Promise<boolean> {
  const due = await db.execute(sql`
    select 1 from event_outbox o
    where o.next_attempt_at <= now() ${workspaceFilter(workspaceIds)} and ${isHead}
    limit 1`);
  return due.rows.length > 0;
}

export async function markOutboxRecorded(tx: DatabaseTransaction, ids: readonly number[]): Promise<void> {
  if (ids.length > 0)
    await tx
      .update(eventOutbox)
      .set({ recordedAt: sql`now()` })
      .where(inArray(eventOutbox.eventId, [...ids]));
}

export async function completeOutboxRows(tx: DatabaseTransaction, ids: readonly number[]): Promise<void> {
  if (ids.length > 0) await tx.delete(eventOutbox).where(inArray(eventOutbox.eventId, [...ids]));
}

export async function deferOutboxRow(
  tx: DatabaseTransaction,
  row: { id: number; attempts: number; error: string; delayMs: number },
): Promise<void> {
  await tx.execute(sql`
    update event_outbox set attempts = ${row.attempts}, last_error = ${row.error},
      next_attempt_at = now() + make_interval(secs => ${row.delayMs / 1_000})
    where event_id = ${row.id}`);
}
