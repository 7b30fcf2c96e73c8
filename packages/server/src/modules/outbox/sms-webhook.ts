import { hmacSha256 } from '../../lib/secrets.js';
import type { Transport } from './transports.js';
import type { OutboxMessage } from './types.js';

export const SIGNATURE_HEADER = 'x-openmeshy-signature';
export const TIMESTAMP_HEADER = 'x-openmeshy-timestamp';
export const MESSAGE_ID_HEADER = 'x-openmeshy-message-id';

/**
 * Text messages as a JSON POST of {to, body, account} to OPENMESHY_SMS_WEBHOOK_URL: every SMS
 * provider has an API of its own, so a small relay is the portable contract. The receiver checks
 * `X-OpenMeshy-Signature: sha256=HEX`, the HMAC-SHA256 under the webhook secret of
 * `{timestamp}.{raw body}`, and refuses an old timestamp (a replay). Any 2xx is delivered.
 */
export class SmsWebhookTransport implements Transport {
  readonly channel = 'sms' as const;

  constructor(
    private readonly url: string,
    private readonly secret: Buffer,
    private readonly accountName: (accountId: string) => Promise<string>,
    private readonly now: () => number,
  ) {}

  async send(message: OutboxMessage): Promise<void> {
    const body = JSON.stringify({ to: message.recipient, body: message.body, account: await this.accountName(message.accountId) });
    const timestamp = String(Math.floor(this.now() / 1000));
    const signature = webhookSignature(this.secret, timestamp, body);
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp, [MESSAGE_ID_HEADER]: message.id },
      body,
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  }

  async close(): Promise<void> {}
}

export function webhookSignature(secret: Buffer, timestamp: string, body: string): string {
  return `sha256=${hmacSha256(secret, Buffer.from(`${timestamp}.`), Buffer.from(body)).toString('hex')}`;
}
