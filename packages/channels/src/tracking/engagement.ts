/**
 * What happens when a customer opens, clicks or unsubscribes. Event ids are deterministic and chosen so counts mean
 * what reports need: one `message_opened` per message (the first open; image reloads and mail-client prefetches do
 * not inflate the open rate), one `message_clicked` per message and link (a second click on the same link is the
 * same fact), one `unsubscribed` per message and channel.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { customers, messages, type Database } from '@wakeflow/db';
import type { SecretKeys } from '../secrets/keys';
import { verifyToken } from '../secrets/signed-token';
import type { EventRecorder } from './events';

async function messageWithCustomer(db: Database, workspaceId: string, messageId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(messageId)) return null;
  const [row] = await db
    .select({
      id: messages.id,
      customerId: messages.customerId,
      channel: messages.channel,
      journeyId: messages.journeyId,
      nodeId: messages.nodeId,
      templateId: messages.templateId,
      externalId: customers.externalId,
    })
    .from(messages)
    .innerJoin(customers, eq(customers.id, messages.customerId))
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.id, messageId)));
  return row ?? null;
}

const messageProperties = (m: {
  id: string;
  channel: string;
  journeyId: string | null;
  nodeId: string | null;
  templateId: string | null;
}) => ({
  message_id: m.id,
  channel: m.channel,
  journey_id: m.journeyId,
  node_id: m.nodeId,
  template_id: m.templateId,
});

/** Records the open for a genuine pixel token; false for a forged or unknown one (the pixel is served anyway). */
export async function recordOpen(
  db: Database,
  keys: SecretKeys,
  recorder: EventRecorder,
  token: string,
  now: Date,
): Promise<boolean> {
  const payload = verifyToken(keys, 'open', token);
  if (!payload?.w || !payload.m) return false;
  const m = await messageWithCustomer(db, payload.w, payload.m);
  if (!m) return false;
  await recorder.record({
    workspaceId: payload.w,
    eventId: `msg:${m.id}:opened`,
    customerId: m.customerId,
    customerExternalId: m.externalId,
    name: 'message_opened',
    properties: messageProperties(m),
    occurredAt: now,
  });
  return true;
}

/** The target URL of a genuine click token (after recording the click), or null: the caller then shows a 404. */
export async function recordClick(
  db: Database,
  keys: SecretKeys,
  recorder: EventRecorder,
  token: string,
  now: Date,
): Promise<string | null> {
  const payload = verifyToken(keys, 'click', token);
  if (!payload?.w || !payload.m || !payload.u || !/^https?:\/\//i.test(payload.u)) return null;
  const m = await messageWithCustomer(db, payload.w, payload.m);
  // The token is genuine, so the URL was in one of our messages: redirect even if the message row is gone.
  if (m) {
    const link = createHash('sha256').update(payload.u).digest('hex').slice(0, 16);
    await recorder.record({
      workspaceId: payload.w,
      eventId: `msg:${m.id}:clicked:${link}`,
      customerId: m.customerId,
      customerExternalId: m.externalId,
      name: 'message_clicked',
      properties: { ...messageProperties(m), url: payload.u },
      occurredAt: now,
    });
  }
  return payload.u;
}

export interface UnsubscribeTarget {
  workspaceId: string;
  customerId: string;
  channel: string;
  messageId: string;
}

/** Decodes an unsubscribe token without acting on it (for the confirmation page). */
export function readUnsubscribeToken(keys: SecretKeys, token: string): UnsubscribeTarget | null {
  const p = verifyToken(keys, 'unsubscribe', token);
  if (!p?.w || !p.c || !p.ch || !['email', 'sms', 'push'].includes(p.ch)) return null;
  return { workspaceId: p.w, customerId: p.c, channel: p.ch, messageId: p.m ?? '' };
}

/** Withdraws consent for the token's channel. Idempotent; false for a forged token or unknown customer. */
export async function applyUnsubscribe(
  db: Database,
  keys: SecretKeys,
  recorder: EventRecorder,
  token: string,
  now: Date,
): Promise<boolean> {
  const target = readUnsubscribeToken(keys, token);
  if (!target) return false;
  const [customer] = await db
    .update(customers)
    .set({
      consent: sql`${customers.consent} || jsonb_build_object(${target.channel}::text, false)`,
      updatedAt: now,
    })
    .where(and(eq(customers.workspaceId, target.workspaceId), eq(customers.id, target.customerId)))
    .returning({ id: customers.id, externalId: customers.externalId });
  if (!customer) return false;
  await recorder.record({
    workspaceId: target.workspaceId,
    eventId: `msg:${target.messageId || 'none'}:unsubscribed:${target.channel}`,
    customerId: customer.id,
    customerExternalId: customer.externalId,
    name: 'unsubscribed',
    properties: { channel: target.channel, message_id: target.messageId || null },
    occurredAt: now,
  });
  return true;
}
