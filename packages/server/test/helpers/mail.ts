import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A delivered e-mail as the SMTP server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw RFC 5322 message: headers and body. */
  raw: string;
}

/**
 * A real SMTP server on 127.0.0.1 (the smtp-server package), no TLS, any login accepted: what the
 * server's nodemailer talks to. It can be stopped and started again on the same port (an outage).
 */
export class TestMailServer {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  port = 0;

  async start(): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
      logger: false,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  get url(): string {
    return `smtp://user:pass@127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The mails to `address` so far, waiting (up to a deadline) until there are at least `count`. */
  async mailsTo(address: string, count = 1, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    return waitFor(() => {
      const found = this.mails.filter((m) => m.to.includes(address));
      return found.length >= count ? found : undefined;
    }, timeoutMs, `${count} mail(s) to ${address}`);
  }
}

/** The six-digit code in a delivered message. */
export function codeIn(text: string): string {
  const match = /\b(\d{6})\b/.exec(text.replace(/=\r?\n/g, ''));
  if (!match) throw new Error(`no code in: ${text}`);
  return match[1]!;
}

export interface ReceivedSms {
  to: string;
  body: string;
  account: string;
  signature: string;
  timestamp: string;
  rawBody: string;
}

/** A local HTTP receiver for the SMS webhook; `status` is what it answers (503 for an outage). */
export class TestSmsReceiver {
  readonly messages: ReceivedSms[] = [];
  status = 200;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (this.status < 300) {
          const rawBody = Buffer.concat(chunks).toString('utf8');
          const json = JSON.parse(rawBody) as { to: string; body: string; account: string };
          this.messages.push({
            ...json,
            signature: String(req.headers['x-openmeshy-signature']),
            timestamp: String(req.headers['x-openmeshy-timestamp']),
            rawBody,
          });
        }
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  async messagesTo(phone: string, count = 1, timeoutMs = 15_000): Promise<ReceivedSms[]> {
    return waitFor(() => {
      const found = this.messages.filter((m) => m.to === phone);
      return found.length >= count ? found : undefined;
    }, timeoutMs, `${count} text(s) to ${phone}`);
  }
}

/** Polls until `probe` gives a value; fails the test with `what` after the deadline (a hang is a failure, not a timing claim). */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
