import type { Directory } from '../modules/accounts/directory.js';
import type { Account } from '../modules/accounts/types.js';

/** Like the directory's cache: far more accounts than any server has, and a bound on memory. */
const MAX_REMEMBERED = 10_000;
/** What an account name can be (see checkAccountName); anything else is not looked up. */
const ACCOUNT_NAME = /^[a-z0-9-]{2,63}$/;

/**
 * The account's CORS allow-list for answers that cannot take it from a fresh account lookup:
 * while the store is unreachable (the 503 must still be readable by the account's web app), and
 * for requests Fastify refuses before routing (no account hook ran). Per app, as accounts are
 * per store.
 */
export class CorsAllowLists {
  private readonly lastKnown = new Map<string, readonly string[]>();

  constructor(private readonly directory: Directory) {}

  /** Called with every account the account hook found. */
  remember(account: Account): void {
    const allowList = account.settings.corsOrigins;
    // The directory hands out the same object until it reloads: most calls write nothing.
    if (this.lastKnown.get(account.name) === allowList) return;
    if (this.lastKnown.size >= MAX_REMEMBERED) this.lastKnown.clear();
    this.lastKnown.set(account.name, allowList);
  }

  /** The account is gone: no stale allow-list may outlive it. */
  forget(name: string): void {
    this.lastKnown.delete(name);
  }

  /**
   * The allow-list seen with the account's last successful lookup, for when the store cannot
   * answer. It may be that old; it only ever decides whether an error body is readable.
   */
  lastKnownFor(name: string): readonly string[] {
    return this.lastKnown.get(name) ?? [];
  }

  /** The allow-list of the account a request path's first segment names; none for no account. */
  async forPath(url: string): Promise<readonly string[]> {
    const name = url.split('/', 2)[1]?.split('?', 1)[0] ?? '';
    if (!ACCOUNT_NAME.test(name)) return [];
    try {
      const account = await this.directory.account(name);
      if (!account) {
        this.forget(name);
        return [];
      }
      this.remember(account);
      return account.settings.corsOrigins;
    } catch {
      return this.lastKnownFor(name);
    }
  }
}
