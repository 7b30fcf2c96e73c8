import { retryAfterSeconds, type LimitStore, type RateVerdict } from './limit-store.js';

/** Bounds memory under a flood of distinct keys: past this, the oldest half is dropped. */
const MAX_KEYS = 100_000;

/** Counters in this process's memory: exact for one instance, per-instance for several. */
export class MemoryLimitStore implements LimitStore {
  private windows = new Map<string, { start: number; count: number }>();
  private failures = new Map<string, { count: number; forgetAt: number; blockedUntil: number }>();

  async ping(): Promise<void> {}
  async close(): Promise<void> {}

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<RateVerdict> {
    const start = now - (now % windowMs);
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      trim(this.windows);
      window = { start, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count <= limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: retryAfterSeconds(start + windowMs - now) };
  }

  async recordFailure(key: string, now: number, forgetAfterMs: number): Promise<number> {
    const entry = this.live(key, now) ?? { count: 0, forgetAt: 0, blockedUntil: 0 };
    entry.count++;
    entry.forgetAt = Math.max(entry.forgetAt, now + forgetAfterMs);
    trim(this.failures);
    this.failures.set(key, entry);
    return entry.count;
  }

  async block(key: string, until: number, now: number): Promise<void> {
    const entry = this.live(key, now) ?? { count: 0, forgetAt: until, blockedUntil: 0 };
    entry.blockedUntil = Math.max(entry.blockedUntil, until);
    entry.forgetAt = Math.max(entry.forgetAt, until);
    this.failures.set(key, entry);
  }

  async blockedFor(key: string, now: number): Promise<number> {
    const entry = this.live(key, now);
    return entry ? Math.max(0, entry.blockedUntil - now) : 0;
  }

  async clearFailures(key: string): Promise<void> {
    this.failures.delete(key);
  }

  private live(key: string, now: number) {
    const entry = this.failures.get(key);
    if (entry && entry.forgetAt <= now) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }
}

function trim(map: Map<string, unknown>): void {
  if (map.size < MAX_KEYS) return;
  let drop = map.size / 2;
  for (const key of map.keys()) {
    if (drop-- <= 0) break;
    map.delete(key);
  }
}
