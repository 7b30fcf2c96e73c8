import type { Account, AccountSettings, Client, ClientSettings } from './types.js';

/**
 * The ports of accounts and clients. Both change rarely (by the CLI) and are read through the
 * directory's short-lived cache (directory.ts), so no method here is on a hot path.
 */
export interface AccountStore {
  /**
   * Creates the account and its first client in one transaction: a reader sees both or neither.
   * Throws UniqueViolation('account name') when the name is taken; of two concurrent creations of
   * one name exactly one succeeds.
   */
  create(account: Account, firstClient: Client): Promise<void>;
  findByName(name: string): Promise<Account | undefined>;
  /** Oldest first. */
  list(): Promise<Account[]>;
  /** Replaces the settings whole; of two concurrent updates the later commit wins. */
  updateSettings(accountId: string, settings: AccountSettings): Promise<void>;
}

export interface ClientStore {
  create(client: Client): Promise<void>;
  find(publicKey: string): Promise<Client | undefined>;
  /** In creation order. */
  list(accountId: string): Promise<Client[]>;
  /** Replaces the settings whole; of two concurrent updates the later commit wins. */
  updateSettings(publicKey: string, settings: ClientSettings): Promise<void>;
}
