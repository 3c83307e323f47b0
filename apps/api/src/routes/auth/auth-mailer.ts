/**
 * Delivers account mail (reset and invitation links). Who may carry a link decides who could use it, so:
 * 1. the installation's own SMTP (`WAKEFLOW_AUTH_SMTP_URL`, run by the operator), when set, carries all of it;
 * 2. otherwise a workspace's email provider carries mail that only concerns that workspace: invitations to it, and
 *    resets of people who belong to it alone (its admins already control everything that person can reach);
 * 3. a reset of a person in several workspaces must not pass through any one workspace's channel (its admins could
 *    read the link and become that person everywhere): without installation mail it goes to the server log only.
 * With no real email provider the workspace's development log provider records the mail with its body redacted
 * (any reader can read the outbox), and the link goes to the server log for the operator.
 */
import { randomUUID } from 'node:crypto';
import {
  addressPolicyFromEnv,
  createProviderResolver,
  createSmtpProvider,
  loadSecretKeys,
  LOG_PROVIDER_ID,
  smtpSettingsSchema,
  type MessageProvider,
} from '@wakeflow/channels';
import { authMailMessage, type AuthMail, type AuthMailer } from '@wakeflow/auth';
import type { Database } from '@wakeflow/db';
import type { ApiLogger } from '../../deps';

/**
 * The installation's SMTP from `WAKEFLOW_AUTH_SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…:465`) and
 * `WAKEFLOW_AUTH_EMAIL_FROM`; null when unset. The operator configures it, so private addresses are allowed.
 */
export function installationSmtp(env: NodeJS.ProcessEnv): MessageProvider | null {
  const raw = env.WAKEFLOW_AUTH_SMTP_URL?.trim();
  if (!raw) return null;
  const url = new URL(raw);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error('WAKEFLOW_AUTH_SMTP_URL must start with smtp:// or smtps://');
  const fromAddress = env.WAKEFLOW_AUTH_EMAIL_FROM?.trim();
  if (!fromAddress) throw new Error('WAKEFLOW_AUTH_EMAIL_FROM is required with WAKEFLOW_AUTH_SMTP_URL');
  const secure = url.protocol === 'smtps:';
  const settings = smtpSettingsSchema.parse({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    fromAddress,
    fromName: 'Wakeflow',
  });
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  return createSmtpProvider('installation-auth-mail', settings, password === undefined ? {} : { password }, {
    allowPrivateNetworks: true,
    allowedHosts: [],
  });
}

export function channelAuthMailer(
  db: Database,
  logger: ApiLogger,
  env: NodeJS.ProcessEnv = process.env,
): AuthMailer {
  const installation = installationSmtp(env);
  const resolver = createProviderResolver({
    db,
    keys: loadSecretKeys(env),
    policy: addressPolicyFromEnv(env),
    fallbackToLog: true,
  });
  const toServerLog = (mail: AuthMail, why: string) =>
    logger.warn(
      { to: mail.to, kind: mail.kind },
      `${why}; the ${mail.kind === 'invitation' ? 'invitation' : 'password reset'} link for ${mail.to} is only in this log: ${mail.link}`,
    );

  return {
    async send(mail) {
      const provider =
        installation ??
        (mail.workspaceId ? (await resolver.forChannel(mail.workspaceId, 'email'))?.provider : null);
      if (!provider) {
        toServerLog(mail, 'No channel may carry this mail (the person belongs to several workspaces)');
        return 'server_log';
      }
      const message = authMailMessage(mail);
      const id = randomUUID();
      await provider.send({
        messageId: id,
        idempotencyKey: `${mail.kind}:${id}`,
        channel: 'email',
        to: mail.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: {},
        unsubscribeUrl: null,
        confidential: true,
      });
      if (provider.id === LOG_PROVIDER_ID) {
        toServerLog(mail, 'No email provider is configured');
        return 'server_log';
      }
      return 'delivered';
    },
    async close() {
      await Promise.all([installation?.close?.(), resolver.close()]);
    },
  };
}
