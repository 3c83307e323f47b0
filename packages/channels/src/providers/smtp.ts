/**
 * Email over SMTP with nodemailer (a pooled transport per provider). The host is resolved once under the address
 * policy and the pool connects to the checked address, with the configured name kept for TLS verification.
 * SMTP has no idempotency keys: the Message-ID is derived from ours, so a duplicate after a crash is at least
 * recognisable as the same message (see docs/channels.md, "exactly once").
 */
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { z } from 'zod';
import type { AddressPolicy } from '../net/address-policy';
import { BlockedAddressError, resolveAllowedAddresses, UnresolvableHostError } from '../net/resolve';
import { ProviderError, type DeliveryReceipt, type MessageProvider, type OutgoingMessage } from './types';

export const smtpSettingsSchema = z.object({
  host: z.string().min(1, 'Required'),
  port: z.number().int().min(1).max(65_535).default(587),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send unless the server upgrades to TLS. */
  requireTLS: z.boolean().default(false),
  user: z.string().optional(),
  fromAddress: z.email('Not an email address'),
  fromName: z.string().max(200).optional(),
  replyTo: z.email().optional(),
  maxConnections: z.number().int().min(1).max(50).default(5),
  timeoutMs: z.number().int().min(1_000).max(120_000).default(30_000),
});
export type SmtpSettings = z.infer<typeof smtpSettingsSchema>;

export const smtpSecretsSchema = z.object({ password: z.string().optional() });
export type SmtpSecrets = z.infer<typeof smtpSecretsSchema>;

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message: string;
}

/** SMTP reply codes: 4xx is "try again later", 5xx is final; no reply at all (network) is worth retrying. */
function classify(error: SmtpFailure): ProviderError {
  const response = {
    code: error.code ?? null,
    responseCode: error.responseCode ?? null,
    response: error.response ?? null,
    command: error.command ?? null,
  };
  if (error.responseCode !== undefined) {
    return new ProviderError(
      `SMTP ${error.responseCode}: ${error.response ?? error.message}`,
      error.responseCode >= 500 ? 'permanent' : 'transient',
      response,
    );
  }
  // No server reply: connection refused, DNS, timeouts, TLS handshakes. Authentication and envelope problems are
  // configuration errors that retrying will not fix.
  const permanent = error.code === 'EAUTH' || error.code === 'EENVELOPE' || error.code === 'EMESSAGE';
  return new ProviderError(`SMTP: ${error.message}`, permanent ? 'permanent' : 'transient', response);
}

function messageIdFor(idempotencyKey: string, fromAddress: string): string {
  const domain = fromAddress.split('@')[1] ?? 'wakeflow.local';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

export function createSmtpProvider(
  id: string,
  settings: SmtpSettings,
  secrets: SmtpSecrets,
  policy: AddressPolicy,
): MessageProvider {
  let transport: Promise<Transporter<SMTPPool.SentMessageInfo>> | null = null;

  async function open(): Promise<Transporter<SMTPPool.SentMessageInfo>> {
    const [address] = await resolveAllowedAddresses(settings.host, policy);
    return nodemailer.createTransport({
      pool: true,
      host: address!.address,
      port: settings.port,
      secure: settings.secure,
      requireTLS: settings.requireTLS,
      // Certificates are issued for the name, not the address we pinned.
      tls: { servername: settings.host },
      maxConnections: settings.maxConnections,
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
      ...(settings.user ? { auth: { user: settings.user, pass: secrets.password ?? '' } } : {}),
    });
  }

  return {
    id,
    kind: 'smtp',
    channel: 'email',
    acceptsIdempotencyKey: false,
    async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
      try {
        transport ??= open();
        const t = await transport;
        const info = await t.sendMail({
          from: settings.fromName
            ? { name: settings.fromName, address: settings.fromAddress }
            : settings.fromAddress,
          to: message.to,
          ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
          subject: message.subject ?? '',
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          messageId: messageIdFor(message.idempotencyKey, settings.fromAddress),
          headers: { ...message.headers, 'X-Wakeflow-Message': message.messageId },
        });
        if (info.rejected.length > 0 && info.accepted.length === 0) {
          throw new ProviderError(
            `SMTP rejected ${info.rejected.join(', ')}: ${info.response}`,
            'permanent',
            { response: info.response },
          );
        }
        return {
          providerMessageId: info.messageId,
          response: { response: info.response, accepted: info.accepted },
        };
      } catch (error) {
        if (error instanceof ProviderError) throw error;
        if (error instanceof BlockedAddressError) {
          transport = null;
          throw new ProviderError(error.message, 'permanent', { blocked: error.address });
        }
        if (error instanceof UnresolvableHostError) {
          transport = null;
          throw new ProviderError(`SMTP: ${error.message}`, 'permanent', { unresolvable: error.host });
        }
        // A failed pool may hold broken sockets: build a fresh one on the next attempt.
        const failure = error as SmtpFailure;
        if (failure.responseCode === undefined) transport = null;
        throw classify(failure);
      }
    },
    async close() {
      const t = transport;
      transport = null;
      if (t) (await t.catch(() => null))?.close();
    },
  };
}
