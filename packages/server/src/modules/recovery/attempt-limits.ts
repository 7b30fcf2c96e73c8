import { createHash } from 'node:crypto';
import { ApiError } from '../../errors.js';
import { usernameKey } from '../../lib/usernames.js';
import { retryAfterSeconds, type LimitStore } from '../../limits/limit-store.js';
import type { Account } from '../accounts/types.js';
import { REQUEST_LIFETIME_MS, type RequestFacts } from './request.js';

/** Wrong codes (or answers) one request survives; the next makes it dead until it expires. */
export const MAX_WRONG_CODES = 5;
/** forgotpassword per username and per client IP, in a 15-minute window. */
export const FORGOT_PER_USERNAME = 5;
export const FORGOT_PER_IP = 30;
const FORGOT_WINDOW_MS = 15 * 60_000;

/**
 * A six-digit code is guessable, so guesses are counted: per request (its user, purpose, attempt
 * and expiry, whatever hash is sent with it, so a tampered hash spends the same tally) in the
 * shared counters (Redis with REDIS_URL), and new requests are rate-limited per username and IP.
 */
export class RecoveryLimits {
  constructor(private readonly limits: LimitStore) {}

  async checkForgot(account: Account, username: string, ip: string, now: number): Promise<void> {
    const user = await this.limits.hit(`recovery:${account.id}:u:${digest(usernameKey(username))}`, FORGOT_PER_USERNAME, FORGOT_WINDOW_MS, now);
    if (!user.allowed) throw new ApiError('recovery_throttled_username', { headers: { 'retry-after': String(user.retryAfterSeconds) } });
    const byIp = await this.limits.hit(`recovery:${account.id}:ip:${ip}`, FORGOT_PER_IP, FORGOT_WINDOW_MS, now);
    if (!byIp.allowed) throw new ApiError('recovery_throttled_ip', { headers: { 'retry-after': String(byIp.retryAfterSeconds) } });
  }

  /** Whether the request has had its wrong codes: then even the right one is refused. */
  async isSpent(facts: Omit<RequestFacts, 'code' | 'stamp'>, now: number): Promise<boolean> {
    return (await this.limits.blockedFor(requestKey(facts), now)) > 0;
  }

  async recordWrongCode(facts: Omit<RequestFacts, 'code' | 'stamp'>, now: number): Promise<void> {
    const key = requestKey(facts);
    const wrong = await this.limits.recordFailure(key, now, REQUEST_LIFETIME_MS);
    // Blocked until the request would have expired anyway (and at least a little while).
    if (wrong >= MAX_WRONG_CODES) await this.limits.block(key, Math.max(facts.expires, now + retryAfterSeconds(1) * 1000), now);
  }
}

function requestKey(facts: Omit<RequestFacts, 'code' | 'stamp'>): string {
  return `recovery:${facts.accountId}:r:${digest(JSON.stringify([facts.userId, facts.purpose, facts.attempt, Math.floor(facts.expires / 1000)]))}`;
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');
