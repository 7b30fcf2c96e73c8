import { newObjectId, newPublicKey } from '../../lib/ids.js';
import { UniqueViolation } from '../../store/errors.js';
import type { Account, Client } from './types.js';
import type { AccountStore } from './store.js';
import { defaultAccountSettings, defaultClientSettings } from './defaults.js';

export class AccountNameError extends Error {}

/**
 * Names the server's own top-level routes use, which no account may shadow. (`/openapi.json`
 * needs no entry: a name cannot hold a dot.)
 */
const reservedNames = new Set(['healthz', 'readyz', 'metrics', 'api', 'admin', 'docs']);

/**
 * An account name is one URL path segment: lowercase letters, digits and inner hyphens, 2-63
 * characters (a DNS label), so it is safe in URLs, logs and hostnames alike.
 */
export const accountNamePattern = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])$';

export function checkAccountName(name: string): void {
  if (!new RegExp(accountNamePattern).test(name)) {
    throw new AccountNameError(
      `invalid account name "${name}": use 2-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit`,
    );
  }
  if (reservedNames.has(name)) throw new AccountNameError(`account name "${name}" is reserved`);
}

export function newClient(accountId: string, now: number): Client {
  return { publicKey: newPublicKey(), accountId, createdAt: now, settings: { ...defaultClientSettings } };
}

export async function createAccount(store: { accounts: AccountStore }, name: string, now: number): Promise<{ account: Account; client: Client }> {
  checkAccountName(name);
  const account: Account = { id: newObjectId(now), name, createdAt: now, settings: { ...defaultAccountSettings } };
  const client = newClient(account.id, now);
  try {
    await store.accounts.create(account, client);
  } catch (error) {
    if (error instanceof UniqueViolation) throw new AccountNameError(`account "${name}" already exists`);
    throw error;
  }
  return { account, client };
}
