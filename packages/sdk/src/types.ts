/** Request and response shapes of MeshyDB's REST API, as OpenMeshy serves them. */

/** 200 of POST /{account}/connect/token. */
export interface TokenResponse {
  access_token: string;
  /** Lifetime of the access token in seconds. */
  expires_in: number;
  token_type: 'Bearer';
  scope?: string;
  /** Present when `offline_access` was granted (the SDK always asks for it). */
  refresh_token?: string;
}

export interface Role {
  name: string;
  /** ISO 8601. */
  addedDate: string;
}

export interface SecurityQuestion {
  question: string;
  /** Write-only: the server answers "..." instead of the stored answer. */
  answer: string;
}

/** A user as the API returns it (users/retrieving_self.rst). */
export interface User {
  id: string;
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
  /** ISO 8601, or null when never. */
  lastAccessed: string | null;
}

/** Body of POST /{account}/users/register (users/creating_users.rst). */
export interface RegisterUser {
  username: string;
  newPassword: string;
  firstName?: string;
  lastName?: string;
  /** Required when the account recovers passwords by text message; international format. */
  phoneNumber?: string;
  /** Required when the account recovers passwords by e-mail. */
  emailAddress?: string;
  /** Required when the account recovers passwords by security question. */
  securityQuestions?: SecurityQuestion[];
}

/** The 201 of a registration that must be verified (e-mail or text verification). */
export interface UserVerificationHash {
  username: string;
  attempt: number;
  hash: string;
  /** ISO 8601. */
  expires: string;
  hint: string;
}

/** GET /{account}/users/{username}/exists. */
export interface UserExists {
  exists: boolean;
}

/** The logged-in user, read from the access token's claims (no request). */
export interface CurrentUser {
  /** The user's id (the token's `sub`). */
  id: string;
  username: string;
  firstName: string | undefined;
  lastName: string | undefined;
  roles: string[];
  permissions: string[];
  /** Granted scopes, e.g. ["meshy.api", "offline_access"]. */
  scopes: string[];
}
