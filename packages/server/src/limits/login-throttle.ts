import { createHash } from 'node:crypto';
import { ApiError } from '../errors.js';
import { usernameKey } from '../lib/usernames.js';
import type { Account, LoginThrottleSettings } from '../modules/accounts/types.js';
import { retryAfterSeconds, type LimitStore } from './limit-store.js';
import { RefusalLog, type WarnLogger } from './refusal-log.js';

/**
 * How long a key is blocked after its `failures`-th failure: nothing for the first free ones,
 * then 1 s doubling up to the cap (exponential back-off), then a lock once the lock threshold
 * is reached. Keycloak's brute-force detection works the same way.
 */
export function blockAfterFailure(failures: number, free: number, lockAt: number, settings: LoginThrottleSettings): number {
  if (failures >= lockAt) return settings.lockSeconds * 1000;
  if (failures <= free) return 0;
  const backoff = 2 ** Math.min(failures - free - 1, 30);
  return Math.min(backoff, settings.maxBackoffSeconds) * 1000;
}

/**
 * Password guessing protection for the password grant, per account+username and per client IP.
 * Both are checked before any password is hashed, so a blocked guesser costs almost nothing.
 * A successful login clears the username's tally (not the IP's: one right password must not
 * launder a stuffing run).
 */
export class LoginThrottle {
  private readonly refusals = new RefusalLog();

  constructor(
    private readonly limits: LimitStore,
    private readonly log: WarnLogger,
  ) {}

  /**
   * 429 while the username or the IP is blocked, with the code of the longer block (the one
   * Retry-After waits out). The first 429 of a block is logged, per account and limit.
   */
  async check(account: Account, username: string, ip: string, now: number): Promise<void> {
    const [userBlock, ipBlock] = await Promise.all([
      this.limits.blockedFor(userKey(account, username), now),
      this.limits.blockedFor(ipKey(account, ip), now),
    ]);
    const wait = Math.max(userBlock, ipBlock);
    if (wait === 0) return;
    const code = userBlock >= ipBlock ? 'login_throttled_username' : 'login_throttled_ip';
    const retryAfter = retryAfterSeconds(wait);
    if (this.refusals.shouldLog(`${account.id}:${code}`, now, now + wait)) this.logRefusal(account, code, ip, retryAfter);
    throw new ApiError(code, { headers: { 'retry-after': String(retryAfter) } });
  }

  /**
   * The IP goes into the line of the IP limit: it is what was limited and what an operator can
   * block. The username never does: people type their password into that field by mistake, and
   * the throttle has no need of it in the clear (its counters keep only a digest).
   */
  private logRefusal(account: Account, code: 'login_throttled_username' | 'login_throttled_ip', ip: string, retryAfter: number): void {
    const s = account.settings.loginThrottle;
    const byIp = code === 'login_throttled_ip';
    this.log.warn(
      {
        code,
        account: account.name,
        freeFailures: byIp ? s.ipFreeFailures : s.freeFailures,
        lockFailures: byIp ? s.ipLockFailures : s.lockFailures,
        retryAfterSeconds: retryAfter,
        ...(byIp && { ip }),
      },
      `login throttle: too many failed password grants ${byIp ? 'from one IP' : 'for one username'}; 429 until the block ends`,
    );
  }

  async recordFailure(account: Account, username: string, ip: string, now: number): Promise<void> {
    const settings = account.settings.loginThrottle;
    const forgetAfter = settings.lockSeconds * 1000;
    const keys: [string, number, number][] = [
      [userKey(account, username), settings.freeFailures, settings.lockFailures],
      [ipKey(account, ip), settings.ipFreeFailures, settings.ipLockFailures],
    ];
    await Promise.all(
      keys.map(async ([key, free, lockAt]) => {
        const failures = await this.limits.recordFailure(key, now, forgetAfter);
        const block = blockAfterFailure(failures, free, lockAt, settings);
        if (block > 0) await this.limits.block(key, now + block, now);
      }),
    );
  }

  async recordSuccess(account: Account, username: string): Promise<void> {
    await this.limits.clearFailures(userKey(account, username));
  }
}

/**
 * Usernames enter the key as a digest: an attacker's megabyte-long "usernames" cost a fixed 43
 * characters each in memory or Redis, and no username is stored there in the clear.
 */
const userKey = (account: Account, username: string) =>
  `login:${account.id}:u:${createHash('sha256').update(usernameKey(username)).digest('base64url')}`;
const ipKey = (account: Account, ip: string) => `login:${account.id}:ip:${ip}`;
