import type { Clock } from '../../lib/clock.js';
import type { Account, Client } from './types.js';
import type { AccountStore, ClientStore } from './store.js';

const TTL_MS = 2_000;

/**
 * Accounts and clients change rarely (by the CLI, maybe in another process) and are read on
 * every request, so they are cached for a couple of seconds: a CLI change reaches running
 * servers within TTL_MS, and the hot path skips two queries.
 */
export class Directory {
  private accounts = new Map<string, { value: Account; at: number }>();
  private clients = new Map<string, { value: Client; at: number }>();

  constructor(
    private readonly store: { accounts: AccountStore; clients: ClientStore },
    private readonly clock: Clock,
  ) {}

  /**
   * The account as cached, if the copy is fresh; undefined means "ask account()". The request
   * gate takes this path on nearly every request, without a promise.
   */
  cachedAccount(name: string): Account | undefined {
    const hit = this.accounts.get(name);
    return hit && this.clock.now() - hit.at < TTL_MS ? hit.value : undefined;
  }

  async account(name: string): Promise<Account | undefined> {
    return this.cached(this.accounts, name, () => this.store.accounts.findByName(name));
  }

  async client(publicKey: string): Promise<Client | undefined> {
    return this.cached(this.clients, publicKey, () => this.store.clients.find(publicKey));
  }

  private async cached<T>(cache: Map<string, { value: T; at: number }>, key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = this.clock.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < TTL_MS) return hit.value;
    const value = await load();
    if (value === undefined) {
      cache.delete(key);
      return undefined;
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { value, at: now });
    return value;
  }
}
