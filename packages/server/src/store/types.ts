/**
 * The storage interface, owned by the domain and sized to it. Every implementation (SQLite now,
 * PostgreSQL later) passes the same contract suite in test/contract/. Times are epoch milliseconds.
 */

export type RecoveryMethod = 'none' | 'email' | 'text' | 'question';

/** Password-guessing protection of the password grant (see limits/login-throttle.ts). */
export interface LoginThrottleSettings {
  /** Failed logins of one username allowed before back-off starts. */
  freeFailures: number;
  /** Back-off doubles from 1 s up to this. */
  maxBackoffSeconds: number;
  /** At this many failures of one username, it is locked for lockSeconds. */
  lockFailures: number;
  /** Length of a lock, and how long failures are remembered after the latest one. */
  lockSeconds: number;
  /** The same thresholds for one client IP, across usernames (credential stuffing). */
  ipFreeFailures: number;
  ipLockFailures: number;
}

export interface AccountSettings {
  anonymousRegistration: boolean;
  publicRegistration: boolean;
  /** How users recover passwords; decides which registration fields are required. */
  recovery: RecoveryMethod;
  /** Requests per window across all of the account's endpoints; null means unlimited. */
  apiRequestLimit: number | null;
  apiLimitWindowSeconds: number;
  /** Browser origins allowed to call the API (CORS); ["*"] allows any, [] none. */
  corsOrigins: string[];
  loginThrottle: LoginThrottleSettings;
}

export interface Account {
  id: string;
  name: string;
  createdAt: number;
  settings: AccountSettings;
}

export interface ClientSettings {
  accessTokenLifetimeSeconds: number;
  refreshTokenAbsoluteLifetimeSeconds: number;
  refreshTokenSlidingLifetimeSeconds: number;
  /** Replaying a just-rotated refresh token within this many seconds returns the same successor; 0 turns it off. */
  refreshTokenReuseGraceSeconds: number;
}

export interface Client {
  /** The client_id, called publicKey in MeshyDB's docs and SDK. */
  publicKey: string;
  accountId: string;
  createdAt: number;
  settings: ClientSettings;
}

export interface Role {
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
  roles: Role[];
  securityQuestions: SecurityQuestion[];
  anonymous: boolean;
  /** argon2id PHC string; null for anonymous users, who log in with `nopassword`. */
  passwordHash: string | null;
  createdAt: number;
  lastAccessed: number | null;
}

/** What an access token says of its user, and whether the user may still have one. */
export type TokenSubject = Pick<User, 'id' | 'username' | 'firstName' | 'lastName' | 'isActive' | 'roles'>;

/**
 * One login's chain of refresh tokens. Tokens are not stored at all: the current one is derived
 * from (id, generation) under the server secret, so the store holds nothing a thief could present.
 */
export interface RefreshFamily {
  id: string;
  accountId: string;
  clientId: string;
  userId: string;
  scope: string;
  generation: number;
  /** Start of the absolute lifetime: the original login. */
  createdAt: number;
  /** When the current generation was issued: start of the sliding lifetime and of the grace window. */
  rotatedAt: number;
  revokedAt: number | null;
  revokeReason: string | null;
}

export interface SigningKey {
  kid: string;
  alg: 'EdDSA' | 'ES256' | 'RS256';
  privateKeyPem: string;
  publicJwk: Record<string, string>;
  createdAt: number;
  /** When it stopped signing; it keeps verifying until its last tokens expire. */
  retiredAt: number | null;
}

/** Thrown by create methods when a unique name is taken. */
export class UniqueViolation extends Error {
  constructor(readonly field: string) {
    super(`${field} already exists`);
    this.name = 'UniqueViolation';
  }
}

/**
 * Thrown by a store that cannot reach its database (down, restarting, network gone). The HTTP
 * layer answers 503 and the store reconnects by itself when the database is back.
 */
export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnavailable';
  }
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;

  createAccount(account: Account, firstClient: Client): Promise<void>;
  findAccountByName(name: string): Promise<Account | undefined>;
  listAccounts(): Promise<Account[]>;
  updateAccountSettings(accountId: string, settings: AccountSettings): Promise<void>;

  createClient(client: Client): Promise<void>;
  findClient(publicKey: string): Promise<Client | undefined>;
  listClients(accountId: string): Promise<Client[]>;
  updateClientSettings(publicKey: string, settings: ClientSettings): Promise<void>;

  /** Throws UniqueViolation('username') when the account already has the username (case-insensitively). */
  createUser(user: User): Promise<void>;
  findUserByUsername(accountId: string, username: string): Promise<User | undefined>;
  findUserById(accountId: string, id: string): Promise<User | undefined>;
  setUserActive(accountId: string, id: string, active: boolean): Promise<void>;
  touchUser(accountId: string, id: string, at: number): Promise<void>;

  createRefreshFamily(family: RefreshFamily): Promise<void>;
  findRefreshFamily(id: string): Promise<RefreshFamily | undefined>;
  /**
   * The family and what a token needs of its user (undefined if the user is gone), in one read of
   * only those columns: the refresh grant's hot path.
   */
  findRefreshFamilyWithSubject(id: string): Promise<{ family: RefreshFamily; user: TokenSubject | undefined } | undefined>;
  /**
   * The atomic rotation step: moves the family from `fromGeneration` to `fromGeneration + 1` at
   * `now`, only if it is still at `fromGeneration` and not revoked. Exactly one of any number of
   * concurrent callers with the same `fromGeneration` gets true.
   */
  advanceRefreshFamily(id: string, fromGeneration: number, now: number): Promise<boolean>;
  /** Revokes a family; a no-op if already revoked (the first reason is kept). */
  revokeRefreshFamily(id: string, reason: string, now: number): Promise<void>;
  revokeUserRefreshFamilies(accountId: string, userId: string, reason: string, now: number): Promise<number>;

  listSigningKeys(): Promise<SigningKey[]>;
  /** Stores `make()` as the first key unless a key exists; safe when several servers start at once. */
  ensureSigningKey(make: () => SigningKey): Promise<void>;
  /** Adds a key as the signing key and retires the previous one at the same instant. */
  addSigningKey(key: SigningKey): Promise<void>;
}
