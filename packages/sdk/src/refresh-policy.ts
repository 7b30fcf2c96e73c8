import { MeshyError, SdkErrorCodes } from './errors.js';
import type { SessionRecord } from './session-record.js';

/** How eagerly and how persistently a session refreshes. */
export interface RefreshPolicy {
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Refresh this long before the access token expires (at most half its lifetime). */
  refreshLeewaySeconds: number;
  /** Further attempts after a refresh that got no answer (network error, 502/503/504). */
  refreshRetries: number;
  /** Delay before the first retry; doubles each time. */
  retryDelayMs: number;
}

export const defaultRefreshPolicy: RefreshPolicy = {
  now: () => Date.now(),
  refreshLeewaySeconds: 30,
  refreshRetries: 2,
  retryDelayMs: 250,
};

/** True when the access token is expired or about to be. */
export function needsRefresh(record: SessionRecord, policy: RefreshPolicy): boolean {
  const lifetime = record.expiresAt - record.issuedAt;
  const leeway = Math.min(policy.refreshLeewaySeconds * 1000, lifetime / 2);
  return policy.now() >= record.expiresAt - leeway;
}

/**
 * A refresh refused for good: the token is invalid, spent, revoked or expired ("Token is
 * invalid.", "Refresh token is expired."), the user is inactive, or the client is gone.
 * Trying again cannot help, so the session ends.
 */
export function endsSession(error: unknown): error is MeshyError {
  return error instanceof MeshyError && error.statusCode === 400 && (error.error === 'invalid_grant' || error.error === 'invalid_client');
}

/**
 * No answer, or a gateway's: the request may not have reached the server, or its answer was lost.
 * Retrying with the same refresh token is safe because the server hands a replay of a
 * just-spent token the same successor within its grace window (10 s by default); retries are
 * spaced well inside it.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof MeshyError)) return false;
  return error.code === SdkErrorCodes.networkError || [502, 503, 504].includes(error.statusCode);
}
