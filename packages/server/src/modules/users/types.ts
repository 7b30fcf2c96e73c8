/** A user of an account, as the store keeps it. Times are epoch milliseconds. */

/** A role the user holds, and since when. */
export interface UserRole {
  name: string;
  addedDate: number;
}

export interface SecurityQuestion {
  question: string;
  /** argon2id hash of the answer: answers are credentials too. */
  answerHash: string;
}

export interface User {
  id: string;
  accountId: string;
  username: string;
  firstName: string | null;
  lastName: string | null;
  verified: boolean;
  isActive: boolean;
  phoneNumber: string | null;
  emailAddress: string | null;
  /** From the user_roles table, oldest first; written through the roles port, never with the user. */
  roles: UserRole[];
  securityQuestions: SecurityQuestion[];
  anonymous: boolean;
  /** argon2id PHC string; null for anonymous users, who log in with `nopassword`. */
  passwordHash: string | null;
  /**
   * Changes whenever the password or the verification state does: recovery and verification
   * requests are MACed over it, so a used or superseded one is dead. '' for users of before it.
   */
  securityStamp: string;
  createdAt: number;
  lastAccessed: number | null;
}

/** What an access token says of its user, and whether the user may still have one. */
export type TokenSubject = Pick<User, 'id' | 'username' | 'firstName' | 'lastName' | 'isActive' | 'roles'>;
