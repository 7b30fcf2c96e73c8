import type { ClientSettings } from '../accounts/types.js';
import type { RefreshFamily } from './types.js';

/**
 * The refresh policy, as a pure function of the token's family, the presented generation, the
 * time and the client's settings. What the store must then do is the caller's job.
 */
export type RefreshDecision =
  /** Spend the presented token: advance the family and hand out the next generation. */
  | { kind: 'rotate' }
  /** A racing or retried caller inside the grace window: hand out the current generation again. */
  | { kind: 'replay' }
  /** A spent token outside the grace window: revoke the whole family. */
  | { kind: 'reuse' }
  | { kind: 'reject'; code: 'refresh_token_revoked' | 'refresh_token_expired' | 'refresh_token_wrong_client' | 'refresh_token_unknown' };

export interface PresentedToken {
  generation: number;
  accountId: string;
  clientId: string;
}

export function decideRefresh(family: RefreshFamily, presented: PresentedToken, now: number, settings: ClientSettings): RefreshDecision {
  if (family.accountId !== presented.accountId || family.clientId !== presented.clientId) {
    return { kind: 'reject', code: 'refresh_token_wrong_client' };
  }
  if (family.revokedAt !== null) return { kind: 'reject', code: 'refresh_token_revoked' };
  if (presented.generation > family.generation) return { kind: 'reject', code: 'refresh_token_unknown' };
  if (now >= family.createdAt + settings.refreshTokenAbsoluteLifetimeSeconds * 1000) {
    return { kind: 'reject', code: 'refresh_token_expired' };
  }
  if (presented.generation === family.generation) {
    if (now >= family.rotatedAt + settings.refreshTokenSlidingLifetimeSeconds * 1000) {
      return { kind: 'reject', code: 'refresh_token_expired' };
    }
    return { kind: 'rotate' };
  }
  const graceMs = settings.refreshTokenReuseGraceSeconds * 1000;
  if (presented.generation === family.generation - 1 && graceMs > 0 && now - family.rotatedAt <= graceMs) {
    return { kind: 'replay' };
  }
  return { kind: 'reuse' };
}
