/**
 * The development provider: used when a workspace has no provider configured for a channel, it delivers nothing —
 * the message is written to the `outbox` table, where the demo and tests can read it. Keyed by the idempotency key,
 * so it is exactly-once by construction. The API lists it as "Log only (development): nothing is delivered".
 * Confidential messages (account links) are recorded without their body: every reader of the workspace can read
 * the outbox, and a reset link there would let any of them sign in as the addressee.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '@wakeflow/db';
import type { DeliveryReceipt, MessageProvider, OutgoingMessage, ProviderChannel } from './types';

export const LOG_PROVIDER_ID = 'log';
export const LOG_PROVIDER_LABEL =
  'Log only (development): messages are recorded in the outbox, nothing is delivered';

export const REDACTED_BODY =
  '[Not recorded: this message carries a one-time sign-in link for its addressee. Configure an email provider to deliver it.]';

export function createLogProvider(
  db: Database,
  workspaceId: string,
  channel: ProviderChannel,
): MessageProvider {
  /** One insert of every message; a key already in the outbox is a message recorded by an earlier attempt. */
  async function record(messages: readonly OutgoingMessage[]): Promise<DeliveryReceipt[]> {
    const rows = messages.map((message) => ({
      idempotencyKey: message.idempotencyKey,
      messageId: message.messageId,
      channel: message.channel,
      recipient: message.to,
      subject: message.subject,
      body: message.confidential ? REDACTED_BODY : message.text,
      payload: {
        html: message.confidential ? null : message.html,
        headers: message.headers,
        ...(message.confidential ? { redacted: true } : {}),
      },
    }));
    // One JSON parameter for the rows: a thousand-row insert built column by column costs more to assemble than to run.
    const inserted = await db.execute<{ idempotency_key: string }>(sql`
      insert into outbox (workspace_id, idempotency_key, message_id, channel, recipient, subject, body, payload)
      select ${workspaceId}, v."idempotencyKey", v."messageId", v.channel, v.recipient, v.subject, v.body, v.payload
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v("idempotencyKey" text, "messageId" uuid,
        channel text, recipient text, subject text, body text, payload jsonb)
      on conflict do nothing
      returning idempotency_key`);
    const recorded = new Set(inserted.rows.map((r) => r.idempotency_key));
    return messages.map((message) => ({
      providerMessageId: `outbox:${message.idempotencyKey}`,
      response: { outbox: recorded.has(message.idempotencyKey) ? 'recorded' : 'already recorded' },
    }));
  }
  return {
    id: LOG_PROVIDER_ID,
    kind: 'log',
    channel,
    acceptsIdempotencyKey: true,
    async send(message) {
      const [receipt] = await record([message]);
      return receipt!;
    },
    sendBatch: record,
  };
}
