import type { Clock } from '../../lib/clock.js';
import type { OutboxStore } from './store.js';
import type { Transport } from './transports.js';
import type { OutboxMessage } from './types.js';

export interface DeliveryLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface DeliveryOptions {
  outbox: OutboxStore;
  transports: readonly Transport[];
  clock: Clock;
  log: DeliveryLogger;
  /** How often the outbox is looked at when nothing nudges it. */
  pollMs: number;
  /** How long a claimed message is this instance's before another may retry it. */
  leaseMs?: number;
  batch?: number;
}

const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 3_600_000;
const STOP_WAIT_MS = 5_000;

/** 5 s after the first failure, doubling, at most an hour: an outage of any length loses nothing. */
export function retryDelay(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.min(Math.max(attempts - 1, 0), 20), MAX_RETRY_MS);
}

/**
 * The background task that empties the outbox: claims what is due (the store makes each message
 * one claimer's), sends it through its channel's transport, and marks it delivered, or failed
 * with a retry time. A request never waits for it: the request only writes the message and
 * nudges. Channels without a transport are never claimed, so their messages wait in the outbox.
 */
export class DeliveryLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly byChannel;

  constructor(private readonly options: DeliveryOptions) {
    this.byChannel = new Map(options.transports.map((t) => [t.channel, t]));
  }

  get channels() {
    return [...this.byChannel.keys()];
  }

  start(): void {
    if (this.byChannel.size === 0) return;
    this.schedule(0);
  }

  /** A message was just written: look now rather than at the next poll. */
  nudge(): void {
    if (this.stopped || this.byChannel.size === 0) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /**
   * Waits for the sends under way (at most `STOP_WAIT_MS`: a hung mail server must not hold a
   * shutdown), then closes the transports; a claimed but unsettled message is retried after its lease.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
    clearTimeout(timer);
    await Promise.all(this.options.transports.map((t) => t.close().catch(() => {})));
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), ms);
    this.timer.unref();
  }

  private run(): void {
    if (this.stopped || this.running) return;
    this.running = this.deliverDue()
      .catch((error: unknown) => this.options.log.warn({ err: String(error) }, 'outbox: could not read the outbox; will try again'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.options.pollMs);
      });
  }

  private async deliverDue(): Promise<void> {
    const { outbox, clock } = this.options;
    const batch = this.options.batch ?? 10;
    for (;;) {
      const claimed = await outbox.claimDue(this.channels, clock.now(), this.options.leaseMs ?? 60_000, batch);
      await Promise.all(claimed.map((message) => this.deliver(message)));
      if (claimed.length < batch || this.stopped) return;
    }
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    const { outbox, clock, log } = this.options;
    const transport = this.byChannel.get(message.channel)!;
    try {
      await transport.send(message);
    } catch (error) {
      const retryAt = clock.now() + retryDelay(message.attempts);
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      log.warn({ messageId: message.id, channel: message.channel, attempts: message.attempts, err: reason }, 'outbox: delivery failed; will retry');
      await outbox.markFailed(message.id, reason, retryAt);
      return;
    }
    await outbox.markDelivered(message.id, clock.now());
    log.info({ messageId: message.id, channel: message.channel, attempts: message.attempts }, 'outbox: delivered');
  }
}
