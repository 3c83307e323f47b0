/**
 * Sends password reset links through the project's own email channel: the workspace's email provider (SMTP, HTTP…)
 * as @wakeflow/channels resolves it, or, when none is configured, the development log provider (the outbox
 * table). It is a transactional message to a colleague, not a customer, so consent and caps do not apply.
 */
import { randomUUID } from 'node:crypto';
import { addressPolicyFromEnv, createProviderResolver, loadSecretKeys } from '@wakeflow/channels';
import { passwordResetMessage, type PasswordResetMailer } from '@wakeflow/auth';
import type { Database } from '@wakeflow/db';

export function channelResetMailer(db: Database): PasswordResetMailer {
  const resolver = createProviderResolver({
    db,
    keys: loadSecretKeys(),
    policy: addressPolicyFromEnv(),
    fallbackToLog: true,
  });
  return {
    async send(mail) {
      const resolved = await resolver.forChannel(mail.workspaceId, 'email');
      if (!resolved) throw new Error('No email provider is configured');
      const message = passwordResetMessage(mail);
      const id = randomUUID();
      await resolved.provider.send({
        messageId: id,
        idempotencyKey: `password-reset:${id}`,
        channel: 'email',
        to: mail.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: {},
        unsubscribeUrl: null,
      });
    },
  };
}
