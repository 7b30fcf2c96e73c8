import type { Page, PageRequest } from '../roles/types.js';
import type { SecurityQuestion, User } from './types.js';
import type { OutboxMessage } from '../outbox/types.js';

/** What users can be ordered by (GET /users?orderBy=); 1 ascending, -1 descending. */
export type UserSortField = 'username' | 'firstName' | 'lastName' | 'lastAccessed';
export interface UserSort {
  field: UserSortField;
  direction: 1 | -1;
}

export interface UserQuery extends PageRequest {
  /** A case-insensitive partial match on username, first or last name; undefined or '' for all. */
  name?: string;
  /** Only the users who hold this role. */
  roleId?: string;
  /** Leave out inactive users. */
  activeOnly: boolean;
  /**
   * Applied in order, then by id, so pages are stable; empty: by username, then id. Usernames
   * order case-insensitively (their unique form), first and last names by code point (MongoDB's
   * default collation), and a missing value (null) before any other, as in MongoDB.
   */
  orderBy: readonly UserSort[];
}

/** The fields of PUT /users/{id} (users/updating_self.rst, "Existing Personal Information"). */
export type PersonalInformation = Pick<User, 'firstName' | 'lastName' | 'phoneNumber' | 'emailAddress'>;

/** A new password, and what goes with it, written at once (UserStore.changePassword). */
export interface PasswordChange {
  passwordHash: string;
  securityStamp: string;
  /** Only if the user's stamp is still this one: a recovery request is spent once, even by racing callers. */
  expectedStamp?: string;
  /** The one refresh family left alive (the caller's own login); every other one of the user is revoked. */
  keepFamilyId?: string;
  /** Marks the user verified too: a reset by e-mail or text proved the address. */
  markVerified?: boolean;
  now: number;
}

/** The users port. Usernames are unique per account, case-insensitively (lib/usernames.ts). */
export interface UserStore {
  /**
   * Inserts the user (its `roles` are ignored: memberships live in user_roles). Throws
   * UniqueViolation('username') when the account has the username already; of two concurrent
   * creations of one username exactly one succeeds. `messages` go into the outbox in the same
   * transaction (a registration's verification code): both are stored, or neither.
   */
  create(user: User, messages?: readonly OutboxMessage[]): Promise<void>;
  /**
   * Sets the password hash and stamp and revokes the user's other refresh families, in one
   * transaction; false when there is no such user or its stamp is not `expectedStamp`. Of
   * concurrent changes expecting one stamp, exactly one gets true.
   */
  changePassword(accountId: string, id: string, change: PasswordChange): Promise<boolean>;
  /**
   * Marks an unverified user verified with a new stamp, only if its stamp is `expectedStamp`;
   * false otherwise (already verified, stamp changed, no such user). Exactly one racing caller wins.
   */
  markVerified(accountId: string, id: string, expectedStamp: string, newStamp: string): Promise<boolean>;
  findByUsername(accountId: string, username: string): Promise<User | undefined>;
  /** On every authenticated request: one indexed read, roles included. */
  findById(accountId: string, id: string): Promise<User | undefined>;
  /**
   * A page of the account's users, roles included. The page and totalRecords come from one
   * statement, so they agree even while users are created or deleted; only a page past the end
   * counts in a second read.
   */
  search(accountId: string, query: UserQuery): Promise<Page<User>>;
  /**
   * Replaces the four fields at once; false when there is no such user. A reader sees all old
   * or all new values; of two concurrent updates the later write wins whole.
   */
  updatePersonalInformation(accountId: string, id: string, info: PersonalInformation): Promise<boolean>;
  /** Replaces the questions (answers hashed) whole; false when there is no such user. The later write wins. */
  setSecurityQuestions(accountId: string, id: string, questions: readonly SecurityQuestion[]): Promise<boolean>;
  /**
   * Deletes the user with its memberships and its refresh families, in one transaction; false
   * when there was none. A refresh of one of its tokens afterwards finds no family. A family a
   * concurrent login creates after the delete has no user, so the refresh grant refuses it.
   */
  delete(accountId: string, id: string): Promise<boolean>;
  /** A reader sees the old or the new value, never a mix; the later of two writes wins. */
  setActive(accountId: string, id: string, active: boolean): Promise<void>;
  /** Records a login; concurrent touches keep the latest `at` written last (not necessarily the greatest). */
  touch(accountId: string, id: string, at: number): Promise<void>;
}
