import type { Channel, OutboxMessage } from './types.js';

/** One way out of the outbox; a send that throws is retried later (delivery-loop.ts). */
export interface Transport {
  readonly channel: Channel;
  send(message: OutboxMessage): Promise<void>;
  close(): Promise<void>;
}
