/**
 * The password reset email: its content, and the interface the API's sender implements (through the workspace's
 * own email channel), so this package needs no delivery code.
 */
export interface PasswordResetMail {
  /** The workspace whose email channel sends it. */
  workspaceId: string;
  to: string;
  name: string;
  link: string;
  expiresAt: Date;
}

export interface PasswordResetMailer {
  send(mail: PasswordResetMail): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function passwordResetMessage(mail: PasswordResetMail): {
  subject: string;
  text: string;
  html: string;
} {
  const greeting = mail.name ? `Hello ${mail.name},` : 'Hello,';
  const minutes = Math.round((mail.expiresAt.getTime() - Date.now()) / 60_000);
  const text = `${greeting}\n\nSomeone (hopefully you) asked to reset your Wakeflow password. Open this link within ${minutes} minutes to choose a new one:\n\n${mail.link}\n\nIf you did not ask, ignore this email; your password stays as it is.\n`;
  const html =
    `<p>${escapeHtml(greeting)}</p><p>Someone (hopefully you) asked to reset your Wakeflow password. ` +
    `Open this link within ${minutes} minutes to choose a new one:</p><p><a href="${escapeHtml(mail.link)}">Choose a new password</a></p>` +
    `<p>If you did not ask, ignore this email; your password stays as it is.</p>`;
  return { subject: 'Reset your Wakeflow password', text, html };
}
