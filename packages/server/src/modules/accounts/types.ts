/** An account (a tenant: its users, clients and data) and its clients. Times are epoch milliseconds. */

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

/** What a role may do with one permissible; roles/types.ts's Grant, repeated here so accounts need not import roles. */
export interface DefaultGrant {
  permissibleName: string;
  create: boolean;
  read: boolean;
  update: boolean;
  delete: boolean;
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
  /**
   * What every signed-in user may do, anonymous ones included, on top of their roles. MeshyDB's
   * getting-started guide has a freshly registered anonymous user store and read data, so a new
   * account allows mesh data and reading projections; `openmeshy account set NAME
   * --default-permissions none` narrows it.
   */
  defaultPermissions: DefaultGrant[];
  /**
   * MeshyDB's "Database limit": how many documents one mesh query may examine without an index
   * narrowing it (a search, PATCH or DELETE by filter); past it the query is refused with a 429
   * before it runs. 0 refuses every unindexed scan.
   */
  scanBudget: number;
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
