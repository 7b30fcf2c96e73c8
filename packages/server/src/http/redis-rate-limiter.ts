import { Redis } from 'ioredis';
import { StoreUnavailable } from '../store/types.js';
import type { RateLimiter, RateVerdict } from './rate-limiter.js';

/**
 * Fixed-window counters in Redis, shared by every OpenMeshy instance pointed at it. One Lua call
 * per request increments the window's counter and sets its expiry atomically. Redis being away
 * must not hang requests: no offline queue, short timeouts, one try; the client reconnects in
 * the background and requests succeed again as soon as it is back.
 */
const incrementScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

export class RedisRateLimiter implements RateLimiter {
  private constructor(private readonly redis: Redis) {}

  static async open(url: string): Promise<RedisRateLimiter> {
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1_000,
      commandTimeout: 1_000,
      lazyConnect: true,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    });
    // Connection errors surface on the commands that fail; the event itself needs no handling.
    redis.on('error', () => {});
    await redis.connect();
    return new RedisRateLimiter(redis);
  }

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<RateVerdict> {
    const start = now - (now % windowMs);
    let count: number;
    try {
      count = (await this.redis.eval(incrementScript, 1, `openmeshy:rl:${key}:${start}`, String(windowMs + 1_000))) as number;
    } catch (error) {
      throw new StoreUnavailable(error);
    }
    if (count <= limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)) };
  }

  async ping(): Promise<void> {
    try {
      await this.redis.ping();
    } catch (error) {
      throw new StoreUnavailable(error);
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
