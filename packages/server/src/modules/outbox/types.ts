/** A message waiting in the outbox, or delivered from it. Times are epoch milliseconds. */

export type Channel = 'email' | 'sms';

export interface OutboxMessage {
  id: string;
  accountId: string;
  channel: Channel;
  /** An e-mail address or an international phone number. */
  recipient: string;
  /** E-mail only. */
  subject: string | null;
  body: string;
  createdAt: number;
  /** Delivery attempts begun (a claim counts as one, whether or not it ended). */
  attempts: number;
  /** When the loop may next claim it: now for a new one, later after a failure or while claimed. */
  nextAttemptAt: number;
  deliveredAt: number | null;
  /** The last failure, for `openmeshy outbox show`; never the message's content. */
  lastError: string | null;
}
