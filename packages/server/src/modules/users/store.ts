import type { User } from './types.js';

/** The users port. Usernames are unique per account, case-insensitively (lib/usernames.ts). */
export interface UserStore {
  /**
   * Inserts the user (its `roles` are ignored: memberships live in user_roles). Throws
   * UniqueViolation('username') when the account has the username already; of two concurrent
   * creations of one username exactly one succeeds.
   */
  create(user: User): Promise<void>;
  findByUsername(accountId: string, username: string): Promise<User | undefined>;
  /** On every authenticated request: one indexed read, roles included. */
  findById(accountId: string, id: string): Promise<User | undefined>;
  /** A reader sees the old or the new value, never a mix; the later of two writes wins. */
  setActive(accountId: string, id: string, active: boolean): Promise<void>;
  /** Records a login; concurrent touches keep the latest `at` written last (not necessarily the greatest). */
  touch(accountId: string, id: string, at: number): Promise<void>;
}
