/**
 * Counters that limits are made of: API request windows and failed-login tallies. In process
 * memory by default; in Redis (REDIS_URL) so that every instance counts together. Policies (how
 * many, how long) live with their callers; a store only counts, remembers and forgets.
 */
export interface LimitStore {
  /** Counts one request in the fixed window containing `now`; says whether it is within `limit`. */
  hit(key: string, limit: number, windowMs: number, now: number): Promise<RateVerdict>;
  /** Counts one failure; the tally is forgotten `forgetAfterMs` after the latest failure. Returns the tally. */
  recordFailure(key: string, now: number, forgetAfterMs: number): Promise<number>;
  /** Blocks the key until `until` (epoch ms). */
  block(key: string, until: number, now: number): Promise<void>;
  /** Milliseconds the key is still blocked for; 0 when it is not. */
  blockedFor(key: string, now: number): Promise<number>;
  /** Forgets the key's failures and block (after a successful login). */
  clearFailures(key: string): Promise<void>;
  /** For /readyz: throws when the counters cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
