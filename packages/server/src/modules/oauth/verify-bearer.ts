import type { Account } from '../accounts/types.js';
import { verifyAccessToken, type VerifyResult } from './access-tokens.js';
import type { OAuthDeps } from './token-context.js';

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
