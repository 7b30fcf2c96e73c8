import type { Account, Client } from '../accounts/types.js';
import type { TokenSubject } from '../users/types.js';
import { signAccessToken } from './access-tokens.js';
import { encodeRefreshToken } from './refresh-tokens.js';
import type { OAuthDeps, TokenResponse } from './token-context.js';

/** Builds the token response: a fresh access token with the user's current claims, and the refresh token if any. */
export async function issueTokens(
  deps: OAuthDeps,
  grant: { account: Account; client: Client; user: TokenSubject; scope: string[]; refresh?: { familyId: string; generation: number } },
): Promise<TokenResponse> {
  const nowSeconds = Math.floor(deps.clock.now() / 1000);
  const lifetime = grant.client.settings.accessTokenLifetimeSeconds;
  const scope = grant.scope.join(' ');
  const { user } = grant;
  const permission = await deps.permissionClaimsOf(grant.account, user.roles);
  const accessToken = await signAccessToken(deps.keys.signingKey(), {
    iss: deps.issuerFor(grant.account),
    sub: user.id,
    client_id: grant.client.publicKey,
    scope,
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + lifetime,
    id: user.username,
    ...(user.firstName !== null && { given_name: user.firstName }),
    ...(user.lastName !== null && { family_name: user.lastName }),
    role: user.roles.map((role) => role.name),
    permission,
    ...(grant.refresh && { sid: grant.refresh.familyId }),
  });
  const response: TokenResponse = { access_token: accessToken, expires_in: lifetime, token_type: 'Bearer', scope };
  if (grant.refresh) {
    response.refresh_token = encodeRefreshToken(deps.refreshSecret, grant.refresh.familyId, grant.refresh.generation);
  }
  return response;
}
