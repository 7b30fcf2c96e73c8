import type { Channel, OutboxMessage } from './types.js';

/**
 * The outbox port. A message is written with the change that causes it (UserStore.create takes
 * messages for that reason; enqueue is for requests whose only write is the message), and a
 * delivery loop on each instance claims, sends and settles it.
 */
export interface OutboxStore {
  enqueue(message: OutboxMessage): Promise<void>;
  /**
   * Claims up to `limit` undelivered messages of the channels that are due at `now`, oldest
   * first: each gets attempts + 1 and nextAttemptAt = now + leaseMs, so nobody else claims it
   * until the lease runs out (a claimer that died mid-send is retried then). Of concurrent
   * callers, on one instance or several on one PostgreSQL, each message goes to exactly one
   * (FOR UPDATE SKIP LOCKED; SQLite's one writer).
   */
  claimDue(channels: readonly Channel[], now: number, leaseMs: number, limit: number): Promise<OutboxMessage[]>;
  /** Marks it delivered; a delivered message is never claimed again. */
  markDelivered(id: string, now: number): Promise<void>;
  /** Leaves it undelivered, to be claimed again at `retryAt`. */
  markFailed(id: string, error: string, retryAt: number): Promise<void>;
  /** The account's messages, newest first. */
  list(accountId: string, limit: number): Promise<OutboxMessage[]>;
  find(id: string): Promise<OutboxMessage | undefined>;
}
