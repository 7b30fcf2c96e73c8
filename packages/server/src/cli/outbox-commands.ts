import type { OutboxMessage } from '../modules/outbox/types.js';
import type { Store } from '../store/store.js';
import { findAccount } from './account-commands.js';
import { output, UsageError, type Options } from './usage.js';

const LIST_LIMIT = 100;

/**
 * `outbox list ACCOUNT` and `outbox show ID`: the messages an account's requests wrote, so that
 * without SMTP or a webhook (the embedded default) a developer can read a code and finish a flow.
 */
export async function outboxCommand(store: Store, action: string | undefined, args: string[], options: Options): Promise<void> {
  const json = options.json === true;
  if (action === 'list') {
    const account = await findAccount(store, args[0]);
    const messages = await store.outbox.list(account.id, LIST_LIMIT);
    const lines = messages.map((m) => `${m.id}  ${new Date(m.createdAt).toISOString()}  ${m.channel.padEnd(5)}  ${statusOf(m).padEnd(9)}  ${m.recipient}  ${m.subject ?? ''}`);
    output(json, messages.map(messageJson), lines.join('\n') || '(no messages)');
  } else if (action === 'show') {
    const message = args[0] ? await store.outbox.find(args[0]) : undefined;
    if (!message) throw new UsageError(`no message "${args[0] ?? ''}"; usage: openmeshy outbox show ID`);
    const human = [
      `id: ${message.id}`,
      `channel: ${message.channel}`,
      `to: ${message.recipient}`,
      `status: ${statusOf(message)} (${message.attempts} attempts${message.lastError ? `; last error: ${message.lastError}` : ''})`,
      ...(message.subject !== null ? [`subject: ${message.subject}`] : []),
      '',
      message.deliveredAt !== null ? '(delivered: its text is not kept)' : message.body,
    ].join('\n');
    output(json, { ...messageJson(message), body: message.body }, human);
  } else {
    throw new UsageError('usage: openmeshy outbox list ACCOUNT | show ID');
  }
}

function statusOf(message: OutboxMessage): string {
  if (message.deliveredAt !== null) return 'delivered';
  return message.lastError ? 'retrying' : 'waiting';
}

function messageJson(m: OutboxMessage) {
  const time = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: m.id,
    channel: m.channel,
    recipient: m.recipient,
    subject: m.subject,
    status: statusOf(m),
    attempts: m.attempts,
    lastError: m.lastError,
    createdAt: time(m.createdAt),
    nextAttemptAt: m.deliveredAt === null ? time(m.nextAttemptAt) : null,
    deliveredAt: time(m.deliveredAt),
  };
}
