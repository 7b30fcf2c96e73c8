import type { Clock } from '../../lib/clock.js';
import { GRANTS_TTL_MS } from '../roles/grants-cache.js';
import type { UserStore } from './store.js';
import type { User } from './types.js';

/** Past this many cached users the cache starts over: memory stays bounded whatever the traffic. */
export const SIGNED_IN_USERS_MAX = 50_000;

interface Entry {
  at: number;
  user: Promise<User | undefined>;
  /** Set when the read has answered: what `user` resolved to. */
  settled?: { user: User | undefined };
}

/**
 * The authenticate gate's user lookup, (account, user) -> the user with its roles, kept for
 * GRANTS_TTL_MS: a deactivation, deletion or role change made elsewhere (another instance, the
 * CLI) is seen within the same bound as a permission change, and a request costs no user read of
 * its own. Concurrent requests of one user share one read. Writes through this process forget
 * their users at once (user-cache-invalidation.ts). A user that does not exist is cached too: a
 * still-valid token of a deleted user costs no read per request either.
 */
export class SignedInUserCache implements Pick<UserStore, 'findById'> {
  private readonly accounts = new Map<string, Map<string, Entry>>();
  private size = 0;

  constructor(
    private readonly users: Pick<UserStore, 'findById'>,
    private readonly clock: Clock,
    private readonly maxEntries = SIGNED_IN_USERS_MAX,
  ) {}

  findById(accountId: string, id: string): Promise<User | undefined> {
    const now = this.clock.now();
    const cached = this.accounts.get(accountId)?.get(id);
    // The age counts from when the read began: what it returns is at least that fresh.
    if (cached && now - cached.at < GRANTS_TTL_MS) return cached.user;
    const user = this.users.findById(accountId, id);
    const entry: Entry = { at: now, user };
    this.remember(accountId, id, entry);
    user.then(
      (found) => {
        entry.settled = { user: found };
      },
      // A failed read is not kept: the next request tries again.
      () => {
        if (this.accounts.get(accountId)?.get(id) === entry) this.forget(accountId, id);
      },
    );
    return user;
  }

  /**
   * The user as findById would answer now, when that answer is cached and already read; otherwise
   * undefined (call findById). `{ user: undefined }` is a cached "no such user".
   */
  cached(accountId: string, id: string): { user: User | undefined } | undefined {
    const entry = this.accounts.get(accountId)?.get(id);
    return entry && this.clock.now() - entry.at < GRANTS_TTL_MS ? entry.settled : undefined;
  }

  /** After a write to the user: its next request reads it again. A read in flight is dropped too. */
  forget(accountId: string, id: string): void {
    const users = this.accounts.get(accountId);
    if (!users?.delete(id)) return;
    this.size--;
    if (users.size === 0) this.accounts.delete(accountId);
  }

  /** After a role change (rename, deletion, members): every user of the account is read again. */
  forgetAccount(accountId: string): void {
    const users = this.accounts.get(accountId);
    if (!users) return;
    this.size -= users.size;
    this.accounts.delete(accountId);
  }

  forgetAll(): void {
    this.accounts.clear();
    this.size = 0;
  }

  private remember(accountId: string, id: string, entry: Entry): void {
    let users = this.accounts.get(accountId);
    if (users?.has(id)) {
      users.set(id, entry);
      return;
    }
    if (this.size >= this.maxEntries) {
      this.forgetAll();
      users = undefined;
    }
    if (!users) {
      users = new Map();
      this.accounts.set(accountId, users);
    }
    users.set(id, entry);
    this.size++;
  }
}
