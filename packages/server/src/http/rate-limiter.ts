/**
 * Per-key request counting in fixed windows. This one lives in process memory; a shared store
 * (Redis) can implement the same interface so several servers count together.
 */
export interface RateLimiter {
  /** Counts one request; says whether it is allowed and, if not, when to retry. */
  hit(key: string, limit: number, windowMs: number, now: number): Promise<RateVerdict>;
  /** For /readyz: throws when the counter store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class MemoryRateLimiter implements RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  async ping(): Promise<void> {}
  async close(): Promise<void> {}

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<RateVerdict> {
    const start = now - (now % windowMs);
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      if (this.windows.size > 100_000) this.windows.clear();
      window = { start, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count <= limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)) };
  }
}
