import type { TokenSubject } from '../users/types.js';
import type { RefreshFamily, SigningKey } from './types.js';

/** The refresh families port: the token service's hot path. */
export interface RefreshFamilyStore {
  create(family: RefreshFamily): Promise<void>;
  find(id: string): Promise<RefreshFamily | undefined>;
  /**
   * The family and what a token needs of its user (undefined if the user is gone), in one read of
   * only those columns: the refresh grant's hot path.
   */
  findWithSubject(id: string): Promise<{ family: RefreshFamily; user: TokenSubject | undefined } | undefined>;
  /**
   * The atomic rotation step: moves the family from `fromGeneration` to `fromGeneration + 1` at
   * `now`, only if it is still at `fromGeneration` and not revoked. Exactly one of any number of
   * concurrent callers with the same `fromGeneration` gets true.
   */
  advance(id: string, fromGeneration: number, now: number): Promise<boolean>;
  /** Revokes a family; a no-op if already revoked (the first reason is kept, also under races). */
  revoke(id: string, reason: string, now: number): Promise<void>;
  /** Revokes every live family of the user; returns how many this call revoked. */
  revokeForUser(accountId: string, userId: string, reason: string, now: number): Promise<number>;
}

/** The signing keys port. */
export interface SigningKeyStore {
  /** Oldest first. */
  list(): Promise<SigningKey[]>;
  /** Stores `make()` as the first key unless a key exists; of several servers starting at once, one key wins. */
  ensure(make: () => SigningKey): Promise<void>;
  /** Adds a key as the signing key and retires the previous one at the same instant, in one transaction. */
  add(key: SigningKey): Promise<void>;
}
