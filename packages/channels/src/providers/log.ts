/**
 * The development provider: used when a workspace has no provider configured for a channel, it delivers nothing —
 * the message is written to the `outbox` table, where the demo and tests can read it. Keyed by the idempotency key,
 * so it is exactly-once by construction. The API lists it as "Log only (development): nothing is delivered".
 * Confidential messages (account links) are recorded without their body: every reader of the workspace can read
 * the outbox, and a reset link there would let any of them sign in as the addressee.
 */
import { outbox, type Database } from '@wakeflow/db';
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
  return {
    id: LOG_PROVIDER_ID,
    kind: 'log',
    channel,
    acceptsIdempotencyKey: true,
    async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
      const inserted = await db
        .insert(outbox)
        .values({
          workspaceId,
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
        })
        .onConflictDoNothing()
        .returning({ id: outbox.id });
      return {
        providerMessageId: `outbox:${message.idempotencyKey}`,
        response: { outbox: inserted.length ? 'recorded' : 'already recorded' },
      };
    },
  };
}
