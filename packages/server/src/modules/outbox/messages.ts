import { newObjectId } from '../../lib/ids.js';
import type { Account } from '../accounts/types.js';
import { render, templateFor, type MessagePurpose } from './templates.js';
import type { Channel, OutboxMessage } from './types.js';

/** A code's message to its recipient, rendered from the account's template, ready for the outbox. */
export function codeMessage(
  account: Account,
  to: { channel: Channel; recipient: string; username: string },
  purpose: MessagePurpose,
  code: string,
  expires: string,
  now: number,
): OutboxMessage {
  const template = templateFor(account.settings.messageTemplates, purpose);
  const values = { code, username: to.username, expires, account: account.name };
  return {
    id: newObjectId(now),
    accountId: account.id,
    channel: to.channel,
    recipient: to.recipient,
    subject: to.channel === 'email' ? render(template.subject, values) : null,
    body: render(to.channel === 'email' ? template.text : template.sms, values),
    createdAt: now,
    attempts: 0,
    nextAttemptAt: now,
    deliveredAt: null,
    lastError: null,
  };
}
