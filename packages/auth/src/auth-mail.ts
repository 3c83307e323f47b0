/**
 * Mail about accounts, not customers: password reset and invitation links. Their content lives here, and the
 * interface the API's sender implements, so this package needs no delivery code. The links carry one-time secrets,
 * so the sender must only hand them to a channel the addressee alone can read (docs/security.md, "Account mail").
 */
export interface AuthMail {
  kind: 'password_reset' | 'invitation';
  /**
   * The workspace whose email channel may carry it, or null when no single workspace's admins may see it (a reset
   * for a person in several workspaces): then only the installation's own mail (`WAKEFLOW_AUTH_SMTP_URL`) may.
   */
  workspaceId: string | null;
  to: string;
  name: string;
  link: string;
  expiresAt: Date;
  /** For invitations: the workspace's name, shown in the mail. */
  workspaceName?: string;
}

/** How a mail left: through a provider that delivers it, or only into the server log (no real channel allowed). */
export type AuthMailDelivery = 'delivered' | 'server_log';

export interface AuthMailer {
  send(mail: AuthMail): Promise<AuthMailDelivery | void>;
  /** Releases pooled connections. */
  close?(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function within(expiresAt: Date): string {
  const minutes = Math.round((expiresAt.getTime() - Date.now()) / 60_000);
  return minutes >= 48 * 60 ? `${Math.round(minutes / (24 * 60))} days` : `${minutes} minutes`;
}

export function authMailMessage(mail: AuthMail): { subject: string; text: string; html: string } {
  const greeting = mail.name ? `Hello ${mail.name},` : 'Hello,';
  const [subject, lead, action, ignore] =
    mail.kind === 'password_reset'
      ? [
          'Reset your Wakeflow password',
          `Someone (hopefully you) asked to reset your Wakeflow password. Open this link within ${within(mail.expiresAt)} to choose a new one:`,
          'Choose a new password',
          'If you did not ask, ignore this email; your password stays as it is.',
        ]
      : [
          `You are invited to ${mail.workspaceName ?? 'a workspace'} on Wakeflow`,
          `You are invited to join ${mail.workspaceName ?? 'a workspace'} on Wakeflow. Open this link within ${within(mail.expiresAt)} to accept:`,
          'Accept the invitation',
          'If you did not expect this, ignore this email; nothing happens without you.',
        ];
  const text = `${greeting}\n\n${lead}\n\n${mail.link}\n\n${ignore}\n`;
  const html =
    `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(lead)}</p>` +
    `<p><a href="${escapeHtml(mail.link)}">${action}</a></p><p>${escapeHtml(ignore)}</p>`;
  return { subject, text, html };
}
