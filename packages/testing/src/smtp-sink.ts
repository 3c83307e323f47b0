/**
 * A real SMTP server for tests: every DATA it accepted, with its recipient, Message-ID, subject and when, counted
 * where it arrives (the fault suite, test sends).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  messageId: string;
  subject: string;
  /** When the server accepted the DATA (epoch ms): a resend is only excused close to a worker kill. */
  receivedAt: number;
}

export interface SmtpSink {
  port: number;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const headers = Buffer.concat(chunks)
          .toString('utf8')
          .split(/\r?\n\r?\n/)[0]!
          .replace(/\r?\n[ \t]+/g, ' ');
        const messageId = /^Message-ID:\s*(\S+)/im.exec(headers)?.[1] ?? '';
        const subject = /^Subject:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? '';
        for (const rcpt of session.envelope.rcptTo)
          mails.push({ to: rcpt.address, messageId, subject, receivedAt: Date.now() });
        callback();
      });
    },
  });
  // A killed worker resets its connections: expected here, not an uncaught error.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
