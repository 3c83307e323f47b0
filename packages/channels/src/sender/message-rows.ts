/**
 * The sender's writes to the message log, each one statement for any number of messages: rows set by
 * `jsonb_to_recordset` over one JSON parameter (per-row values, one round trip), and every change conditional on the
 * row still being `pending`, so a row another attempt finished first keeps that attempt's answer. Each returns the
 * ids it changed; the caller reads the others back (`currentRows`) and answers from what they say.
 */
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { messages, type Database } from '@wakeflow/db';
import type { SendRequest } from '@wakeflow/nodes/spec';
import type { MessageCategory } from '../rules/consent';

export type MessageRow = typeof messages.$inferSelect;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

async function changedIds(db: Database | Transaction, query: ReturnType<typeof sql>): Promise<Set<string>> {
  const result = await db.execute<{ id: string }>(query);
  return new Set(result.rows.map((r) => r.id));
}

/**
 * Record first: inserts every request's row under its idempotency key, and reads the rows earlier attempts
 * inserted. Requests must have distinct keys.
 */
export async function recordRows(
  db: Database,
  requests: readonly SendRequest[],
  category: MessageCategory,
): Promise<Map<string, MessageRow>> {
  const byKey = new Map<string, MessageRow>();
  if (requests.length === 0) return byKey;
  const inserted = await db
    .insert(messages)
    .values(
      requests.map((req) => ({
        workspaceId: req.workspaceId,
        idempotencyKey: req.idempotencyKey,
        runId: req.runId,
        journeyId: req.journeyId,
        nodeId: req.nodeId,
        customerId: req.customerId,
        channel: req.channel,
        templateId: req.templateId,
        category,
        ...(req.priority !== undefined ? { priority: req.priority } : {}),
        ...(req.requestedAt ? { requestedAt: new Date(req.requestedAt) } : {}),
      })),
    )
    .onConflictDoNothing({ target: [messages.workspaceId, messages.idempotencyKey] })
    .returning();
  for (const row of inserted) byKey.set(row.idempotencyKey, row);
  const existing = requests.filter((req) => !byKey.has(req.idempotencyKey)).map((r) => r.idempotencyKey);
  if (existing.length) {
    const found = await db
      .select()
      .from(messages)
      .where(
        and(eq(messages.workspaceId, requests[0]!.workspaceId), inArray(messages.idempotencyKey, existing)),
      );
    for (const row of found) byKey.set(row.idempotencyKey, row);
  }
  const vanished = requests.find((req) => !byKey.has(req.idempotencyKey));
  if (vanished) throw new Error(`Message ${vanished.idempotencyKey} vanished between insert and select`);
  return byKey;
}

/** The rows as they are now, by id. */
export async function currentRows(db: Database, ids: readonly string[]): Promise<Map<string, MessageRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(messages)
    .where(inArray(messages.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

export interface FinalMark {
  id: string;
  status: 'skipped' | 'failed';
  reason: string;
  response?: Record<string, unknown>;
}

/** Rules (or a provider) decided: skipped or failed, with the reason and, from a provider, its answer. */
export async function markFinal(db: Database, marks: readonly FinalMark[]): Promise<Set<string>> {
  if (marks.length === 0) return new Set();
  return changedIds(
    db,
    sql`update messages m set status = v.status, reason = v.reason, deferred_until = null,
          provider_response = coalesce(v.response, m.provider_response)
        from jsonb_to_recordset(${JSON.stringify(marks)}::jsonb) as v(id uuid, status text, reason text, response jsonb)
        where m.id = v.id and m.status = 'pending'
        returning m.id`,
  );
}

export interface DeferMark {
  id: string;
  until: Date;
  /** The rule: `quiet_hours`, `send_window`, `frequency_cap`, `rate_limit`. */
  rule: string;
}

/** Not now: the row notes until when and why (the journey sleeps and asks again with the same key). */
export async function markDeferred(db: Database, marks: readonly DeferMark[]): Promise<void> {
  if (marks.length === 0) return;
  const rows = marks.map((m) => ({ id: m.id, until: m.until.toISOString(), reason: `deferred: ${m.rule}` }));
  await db.execute(
    sql`update messages m set deferred_until = v.until, reason = v.reason
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, until timestamptz, reason text)
        where m.id = v.id and m.status = 'pending'`,
  );
}

export interface DispatchMark {
  id: string;
  dispatchedAt: Date;
  priority: number;
  category: MessageCategory;
  provider: string;
  recipient: string;
  subject: string | null;
  body: string;
  payload: Record<string, unknown>;
  costMicros: number;
}

/**
 * The rules passed: the row counts against caps from now on and stores what will be sent. Only rows not yet
 * dispatched change; the others were dispatched (or finished) by another attempt meanwhile.
 */
export async function markDispatched(
  tx: Database | Transaction,
  marks: readonly DispatchMark[],
): Promise<Set<string>> {
  if (marks.length === 0) return new Set();
  const rows = marks.map((m) => ({ ...m, dispatchedAt: m.dispatchedAt.toISOString() }));
  return changedIds(
    tx,
    sql`update messages m set dispatched_at = v."dispatchedAt", priority = v.priority, category = v.category,
          provider = v.provider, recipient = v.recipient, subject = v.subject, body = v.body, payload = v.payload,
          cost_micros = v."costMicros", deferred_until = null, reason = null
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, "dispatchedAt" timestamptz,
          priority integer, category text, provider text, recipient text, subject text, body text, payload jsonb,
          "costMicros" integer)
        where m.id = v.id and m.status = 'pending' and m.dispatched_at is null
        returning m.id`,
  );
}

/**
 * Takes the lease of each row no other attempt holds: until `leaseUntil` only this attempt talks to the provider
 * about it. Each lease is one call to the provider: `attempts` counts calls, not activity attempts.
 */
export async function takeLeases(
  db: Database,
  ids: readonly string[],
  wall: Date,
  leaseUntil: Date,
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const leased = await db
    .update(messages)
    .set({ leaseUntil, attempts: sql`${messages.attempts} + 1` })
    .where(
      and(
        inArray(messages.id, [...ids]),
        eq(messages.status, 'pending'),
        or(isNull(messages.leaseUntil), lt(messages.leaseUntil, wall)),
      ),
    )
    .returning({ id: messages.id });
  return new Set(leased.map((r) => r.id));
}

export interface SentMark {
  id: string;
  providerMessageId: string | null;
  response: Record<string, unknown>;
}

/** The provider accepted: `sent`, with its id and answer. */
export async function markSent(db: Database, marks: readonly SentMark[], sentAt: Date): Promise<Set<string>> {
  if (marks.length === 0) return new Set();
  return changedIds(
    db,
    sql`update messages m set status = 'sent', reason = null, lease_until = null, sent_at = ${sentAt.toISOString()}::timestamptz,
          provider_message_id = v."providerMessageId", provider_response = v.response
        from jsonb_to_recordset(${JSON.stringify(marks)}::jsonb) as v(id uuid, "providerMessageId" text, response jsonb)
        where m.id = v.id and m.status = 'pending'
        returning m.id`,
  );
}

export interface RefusalMark {
  id: string;
  /** Permanent refusals fail the message; transient ones leave it pending for the retry. */
  permanent: boolean;
  reason: string;
  response: Record<string, unknown>;
}

/** The provider did not accept: the lease is released and its answer kept. */
export async function markRefused(db: Database, marks: readonly RefusalMark[]): Promise<Set<string>> {
  if (marks.length === 0) return new Set();
  return changedIds(
    db,
    sql`update messages m set lease_until = null, provider_response = v.response, reason = v.reason,
          status = case when v.permanent then 'failed' else m.status end
        from jsonb_to_recordset(${JSON.stringify(marks)}::jsonb) as v(id uuid, permanent boolean, reason text, response jsonb)
        where m.id = v.id and m.status = 'pending'
        returning m.id`,
  );
}
