import { ApiError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { LoginThrottle } from '../../limits/login-throttle.js';
import type { Account, Client } from '../accounts/types.js';
import type { UserStore } from '../users/store.js';
import type { UserRole } from '../users/types.js';
import type { RefreshFamilyStore } from './store.js';
import type { KeyRing } from './key-ring.js';
import type { VerifiedTokenCache } from './verified-token-cache.js';

/** What every grant needs from the outside world, injected so tests can move the clock. */
export interface OAuthDeps {
  users: UserStore;
  refreshFamilies: RefreshFamilyStore;
  clock: Clock;
  keys: KeyRing;
  /** Server secret under which refresh tokens are MACed. */
  refreshSecret: Buffer;
  issuerFor(account: Account): string;
  loginThrottle: LoginThrottle;
  /** Client lookup, through the short-lived directory cache. */
  findClient(publicKey: string): Promise<Client | undefined>;
  verifiedTokens: VerifiedTokenCache;
  /** What a user of these roles may do (account defaults included), as the access token's permission claim. */
  permissionClaimsOf(account: Account, roles: readonly UserRole[]): Promise<string[]>;
}

/** Form parameters as received: a repeated parameter arrives as a list. */
export type FormParams = Record<string, string | string[] | undefined>;

/** Reads one parameter; RFC 6749 §3.2 says none may repeat, and empty means absent. */
export function param(params: FormParams, name: string): string | undefined {
  const value = params[name];
  if (Array.isArray(value)) throw new ApiError('parameter_duplicated', { reason: `The ${name} parameter was given more than once.` });
  return value === undefined || value === '' ? undefined : value;
}

export function requiredParam(params: FormParams, name: string): string {
  const value = param(params, name);
  if (value === undefined) throw new ApiError('parameter_missing', { reason: `The ${name} parameter is required.` });
  return value;
}

export interface GrantRequest {
  account: Account;
  client: Client;
  params: FormParams;
  /** The caller's address, for per-IP login throttling. */
  clientIp: string;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  refresh_token?: string;
  scope: string;
}

/**
 * The token response as JSON, in the docs' key order. The tokens are base64url and dots, which
 * JSON never escapes, so only the scope goes through JSON.stringify: stringifying the whole
 * response scans the ~700-character access token for characters to escape, ~1.5 µs a response
 * under refresh load.
 */
export function tokenResponseJson(response: TokenResponse): string {
  const refresh = response.refresh_token === undefined ? '' : `,"refresh_token":"${response.refresh_token}"`;
  return `{"access_token":"${response.access_token}","expires_in":${response.expires_in},"token_type":"Bearer"${refresh},"scope":${JSON.stringify(response.scope)}}`;
}

/** One grant type: node-oidc-provider's shape, dispatched from a registry. */
export interface Grant {
  grantType: string;
  handle(deps: OAuthDeps, request: GrantRequest): Promise<TokenResponse>;
}
