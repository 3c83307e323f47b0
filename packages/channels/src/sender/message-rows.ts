/**
 * The sender's writes to the message log, each one statement for any number of messages: rows set by
 * `jsonb_to_recordset` over one JSON parameter (per-row values, one round trip), and every change conditional on the
 * row still being `pending`, so a row another attempt finished first keeps that attempt's answer. Each returns the
 * ids it changed; the caller reads the others back (`currentRows`) and answers from what they say.
 */
import { and, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { messages, type Database } from '@wakeflow/db';
import type { SendRequest } from '@wakeflow/nodes/spec';
import { anyOf } from '../any-of';
import type { MessageCategory } from '../rules/consent';

export type MessageRow = typeof messages.$inferSelect;

/** The `priority` column's default, for rows inserted without one. */
const DEFAULT_ROW_PRIORITY = 5;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * `update messages m set <columns> = <values over v>` for rows still `pending` (and `also`), where `v` is the row's
 * entry of one JSON object keyed by message id: the ids it changed. Each message is found by primary key and takes
 * its own entry, so no join is left to the planner — joined to a JSON recordset (estimated at a hundred rows) it
 * rescanned the whole recordset for every message: 160 ms per 500 rows instead of a few.
 */
async function updatePending(
  db: Database | Transaction,
  rows: readonly { id: string }[],
  columns: SQL,
  assignments: Record<string, SQL>,
  also?: SQL,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const byId = JSON.stringify(Object.fromEntries(rows.map((r) => [r.id, r])));
  const targets = Object.keys(assignments).map((c) => sql.identifier(c));
  const values = Object.values(assignments);
  const result = await db.execute<{ id: string }>(sql`
    update messages m set (${sql.join(targets, sql`, `)}) = (
      select ${sql.join(values, sql`, `)} from jsonb_to_record(${byId}::jsonb -> m.id::text) as v(${columns})
    )
    where m.id = any(${sql.param(rows.map((r) => r.id))}::uuid[]) and m.status = 'pending'${also ? sql` and ${also}` : sql``}
    returning m.id`);
  return new Set(result.rows.map((r) => r.id));
}

/**
 * Record first: inserts every request's row under its idempotency key, and reads the rows earlier attempts
 * inserted. Requests must have distinct keys. One JSON parameter carries the rows: a thousand-row insert built
 * column by column costs more to assemble than to run.
 */
export async function recordRows(
  db: Database,
  requests: readonly SendRequest[],
  category: MessageCategory,
): Promise<Map<string, MessageRow>> {
  const byKey = new Map<string, MessageRow>();
  if (requests.length === 0) return byKey;
  const rows = requests.map((req) => ({
    workspaceId: req.workspaceId,
    idempotencyKey: req.idempotencyKey,
    runId: req.runId,
    journeyId: req.journeyId,
    nodeId: req.nodeId,
    customerId: req.customerId,
    channel: req.channel,
    templateId: req.templateId,
    priority: req.priority ?? DEFAULT_ROW_PRIORITY,
    requestedAt: req.requestedAt ? new Date(req.requestedAt).toISOString() : null,
  }));
  const inserted = await db.execute<{ id: string; idempotency_key: string; created_at: Date | string }>(sql`
    insert into messages (workspace_id, idempotency_key, run_id, journey_id, node_id, customer_id, channel,
      template_id, category, priority, requested_at)
    select v."workspaceId", v."idempotencyKey", v."runId", v."journeyId", v."nodeId", v."customerId", v.channel,
      v."templateId", ${category}, v.priority, v."requestedAt"
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v("workspaceId" text, "idempotencyKey" text,
      "runId" uuid, "journeyId" uuid, "nodeId" text, "customerId" uuid, channel text, "templateId" text,
      priority integer, "requestedAt" timestamptz)
    on conflict (workspace_id, idempotency_key) do nothing
    returning id, idempotency_key, created_at`);
  const requestOf = new Map(rows.map((r) => [r.idempotencyKey, r]));
  for (const { id, idempotency_key: key, created_at: createdAt } of inserted.rows) {
    const r = requestOf.get(key)!;
    // A fresh row: what was given, and the columns' defaults.
    byKey.set(key, {
      id,
      workspaceId: r.workspaceId,
      idempotencyKey: key,
      runId: r.runId,
      journeyId: r.journeyId,
      nodeId: r.nodeId,
      customerId: r.customerId,
      channel: r.channel,
      templateId: r.templateId,
      status: 'pending',
      reason: null,
      provider: null,
      providerMessageId: null,
      recipient: null,
      subject: null,
      body: null,
      attempts: 0,
      costMicros: null,
      requestedAt: r.requestedAt ? new Date(r.requestedAt) : null,
      category,
      priority: r.priority,
      dispatchedAt: null,
      leaseUntil: null,
      deferredUntil: null,
      payload: null,
      providerResponse: null,
      isTest: false,
      createdAt: new Date(createdAt),
      sentAt: null,
    });
  }
  const existing = rows.filter((r) => !byKey.has(r.idempotencyKey)).map((r) => r.idempotencyKey);
  if (existing.length) {
    const found = await db
      .select()
      .from(messages)
      .where(
        and(eq(messages.workspaceId, rows[0]!.workspaceId), anyOf(messages.idempotencyKey, existing, 'text')),
      );
    for (const row of found) byKey.set(row.idempotencyKey, row);
  }
  const vanished = rows.find((r) => !byKey.has(r.idempotencyKey));
  if (vanished) throw new Error(`Message ${vanished.idempotencyKey} vanished between insert and select`);
  return byKey;
}

/** The rows as they are now, by id. */
export async function currentRows(db: Database, ids: readonly string[]): Promise<Map<string, MessageRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(messages)
    .where(anyOf(messages.id, ids, 'uuid'));
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
  return updatePending(
    db,
    marks.map(({ id, status, reason, response }) => ({ id, status, reason, response })),
    sql`id uuid, status text, reason text, response jsonb`,
    {
      status: sql`v.status`,
      reason: sql`v.reason`,
      deferred_until: sql`null::timestamptz`,
      provider_response: sql`coalesce(v.response, m.provider_response)`,
    },
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
  await updatePending(
    db,
    marks.map((m) => ({ id: m.id, until: m.until.toISOString(), reason: `deferred: ${m.rule}` })),
    sql`id uuid, until timestamptz, reason text`,
    { deferred_until: sql`v.until`, reason: sql`v.reason` },
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
  return updatePending(
    tx,
    marks.map((m) => ({ ...m, dispatchedAt: m.dispatchedAt.toISOString() })),
    sql`id uuid, "dispatchedAt" timestamptz, priority integer, category text, provider text, recipient text,
      subject text, body text, payload jsonb, "costMicros" integer`,
    {
      dispatched_at: sql`v."dispatchedAt"`,
      priority: sql`v.priority`,
      category: sql`v.category`,
      provider: sql`v.provider`,
      recipient: sql`v.recipient`,
      subject: sql`v.subject`,
      body: sql`v.body`,
      payload: sql`v.payload`,
      cost_micros: sql`v."costMicros"`,
      deferred_until: sql`null::timestamptz`,
      reason: sql`null`,
    },
    sql`m.dispatched_at is null`,
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
        anyOf(messages.id, ids, 'uuid'),
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
  return updatePending(db, marks, sql`id uuid, "providerMessageId" text, response jsonb`, {
    status: sql`'sent'`,
    reason: sql`null`,
    lease_until: sql`null::timestamptz`,
    sent_at: sql`${sentAt.toISOString()}::timestamptz`,
    provider_message_id: sql`v."providerMessageId"`,
    provider_response: sql`v.response`,
  });
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
  return updatePending(
    db,
    marks.map(({ id, permanent, reason, response }) => ({ id, permanent, reason, response })),
    sql`id uuid, permanent boolean, reason text, response jsonb`,
    {
      lease_until: sql`null::timestamptz`,
      provider_response: sql`v.response`,
      reason: sql`v.reason`,
      status: sql`case when v.permanent then 'failed' else m.status end`,
    },
  );
}
