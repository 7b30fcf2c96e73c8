import nodemailer from 'nodemailer';
import type { Transport } from './transports.js';
import type { OutboxMessage } from './types.js';

/**
 * E-mail over SMTP (SMTP_URL: smtp://user:pass@host:587 for STARTTLS, smtps://...:465 for TLS).
 * Timeouts are short: a send that hangs holds a claimed message, and the loop retries anyway.
 */
export class SmtpTransport implements Transport {
  readonly channel = 'email' as const;
  private readonly transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    const url = new URL(smtpUrl);
    url.searchParams.set('connectionTimeout', '10000');
    url.searchParams.set('greetingTimeout', '10000');
    url.searchParams.set('socketTimeout', '20000');
    this.transporter = nodemailer.createTransport(url.toString());
  }

  async send(message: OutboxMessage): Promise<void> {
    await this.transporter.sendMail({
      from: this.from,
      to: message.recipient,
      subject: message.subject ?? '',
      text: message.body,
      // Lets a receiving system drop a duplicate if a send was retried after it had in fact arrived.
      messageId: `<${message.id}@openmeshy>`,
    });
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}
