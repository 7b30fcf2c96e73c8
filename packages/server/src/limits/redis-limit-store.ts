import { Redis } from 'ioredis';
import { StoreUnavailable } from '../store/errors.js';
import { retryAfterSeconds, type LimitStore, type RateVerdict } from './limit-store.js';

/**
 * Counters in Redis, shared by every OpenMeshy instance pointed at it. Each operation is one
 * Lua call, so it is atomic across instances. Redis being away must not hang requests: no
 * offline queue, short timeouts, no retries per command; the client reconnects in the
 * background and requests succeed again as soon as it is back.
 */
const scripts = {
  // KEYS[1] window key; ARGV[1] expiry ms. Returns the count in the window.
  hit: `local n = redis.call('INCR', KEYS[1])
    if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
    return n`,
  // KEYS[1] failure hash; ARGV[1] forget-after ms. Returns the tally.
  recordFailure: `local n = redis.call('HINCRBY', KEYS[1], 'f', 1)
    if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
    return n`,
  // KEYS[1] failure hash; ARGV[1] blocked-until epoch ms; ARGV[2] ms from now until then.
  block: `local b = tonumber(redis.call('HGET', KEYS[1], 'b') or '0')
    if tonumber(ARGV[1]) > b then redis.call('HSET', KEYS[1], 'b', ARGV[1]) end
    if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
    return 1`,
};

export class RedisLimitStore implements LimitStore {
  private constructor(private readonly redis: Redis) {}

  static async open(url: string): Promise<RedisLimitStore> {
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
    return new RedisLimitStore(redis);
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StoreUnavailable(error);
    }
  }

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<RateVerdict> {
    const start = now - (now % windowMs);
    const count = Number(await this.run(() => this.redis.eval(scripts.hit, 1, `openmeshy:rl:${key}:${start}`, String(windowMs + 1_000))));
    if (count <= limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: retryAfterSeconds(start + windowMs - now) };
  }

  async recordFailure(key: string, _now: number, forgetAfterMs: number): Promise<number> {
    return Number(await this.run(() => this.redis.eval(scripts.recordFailure, 1, `openmeshy:lf:${key}`, String(forgetAfterMs))));
  }

  async block(key: string, until: number, now: number): Promise<void> {
    await this.run(() => this.redis.eval(scripts.block, 1, `openmeshy:lf:${key}`, String(until), String(Math.max(1, until - now))));
  }

  async blockedFor(key: string, now: number): Promise<number> {
    const until = Number((await this.run(() => this.redis.hget(`openmeshy:lf:${key}`, 'b'))) ?? 0);
    return Math.max(0, until - now);
  }

  async clearFailures(key: string): Promise<void> {
    await this.run(() => this.redis.del(`openmeshy:lf:${key}`));
  }

  async ping(): Promise<void> {
    await this.run(() => this.redis.ping());
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
