import type { Account } from '../accounts/types.js';
import { verifyAccessToken, type AccessTokenClaims, type VerifyResult } from './access-tokens.js';
import type { OAuthDeps } from './token-context.js';

/** The claims of a token verified before and still valid, or undefined: no promise, for the request gate's hot path. */
export function cachedBearerClaims(deps: OAuthDeps, account: Account, token: string): AccessTokenClaims | undefined {
  return deps.verifiedTokens.get(token, deps.issuerFor(account), deps.clock.now());
}

/** Verifies an access token presented to `account`, through the verified-token cache. */
export async function verifyBearerToken(deps: OAuthDeps, account: Account, token: string): Promise<VerifyResult> {
  const issuer = deps.issuerFor(account);
  const nowMs = deps.clock.now();
  const cached = deps.verifiedTokens.get(token, issuer, nowMs);
  if (cached) return { ok: true, claims: cached };
  const result = await verifyAccessToken(token, { issuer, nowSeconds: Math.floor(nowMs / 1000) }, (kid) => deps.keys.verificationKey(kid));
  if (result.ok) deps.verifiedTokens.set(token, issuer, result.claims, nowMs);
  return result;
}
