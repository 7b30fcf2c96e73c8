import type { Config } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import type { AccountStore } from '../accounts/store.js';
import { SmsWebhookTransport } from './sms-webhook.js';
import { SmtpTransport } from './smtp-transport.js';
import type { Transport } from './transports.js';

/** The transports the settings configure: SMTP for e-mail, the webhook for text; none by default. */
export function configuredTransports(config: Config, accounts: Pick<AccountStore, 'list'>, clock: Clock): Transport[] {
  const transports: Transport[] = [];
  if (config.smtpUrl) transports.push(new SmtpTransport(config.smtpUrl, config.mailFrom));
  if (config.smsWebhookUrl && config.smsWebhookSecret) {
    const names = new Map<string, string>();
    // The receiver is told the account by name; names never change, so one lookup each is enough.
    const accountName = async (id: string) => {
      if (!names.has(id)) for (const account of await accounts.list()) names.set(account.id, account.name);
      return names.get(id) ?? id;
    };
    transports.push(new SmsWebhookTransport(config.smsWebhookUrl, Buffer.from(config.smsWebhookSecret), accountName, () => clock.now()));
  }
  return transports;
}

/** The line a server logs at start: what happens to verification and reset codes. */
export function deliveryStatus(transports: readonly Transport[]): string {
  const on = new Set(transports.map((t) => t.channel));
  const part = (channel: 'email' | 'sms', name: string, setting: string) =>
    on.has(channel) ? `${name} on` : `${name} off (no ${setting}: messages wait in the outbox, see openmeshy outbox list ACCOUNT)`;
  return `delivery: ${part('email', 'e-mail', 'SMTP_URL')}; ${part('sms', 'text messages', 'OPENMESHY_SMS_WEBHOOK_URL')}`;
}
