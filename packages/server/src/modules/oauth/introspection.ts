import { ApiError } from '../../errors.js';
import type { Account } from '../accounts/types.js';
import { verifyBearerToken } from './verify-bearer.js';
import { decodeRefreshToken } from './refresh-tokens.js';
import { decideRefresh } from './rotation.js';
import { param, requiredParam, type FormParams, type OAuthDeps } from './token-context.js';
import { authenticateClient } from './token-endpoint.js';

type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);

/**
 * POST /{account}/connect/introspect (RFC 7662). A client may only introspect its own tokens;
 * everything else is simply `{"active": false}`.
 */
export async function introspectToken(deps: OAuthDeps, account: Account, params: FormParams): Promise<Introspection> {
  const client = await authenticateClient(deps, account, param(params, 'client_id'));
  if (!client) throw new ApiError('client_invalid');
  const token = requiredParam(params, 'token');
  const inactive = { active: false } as const;

  // token_type_hint is only a hint (RFC 7662 §2.1): both kinds are always tried, which costs one
  // HMAC, since a JWT never decodes as a refresh token.
  const refresh = decodeRefreshToken(deps.refreshSecret, token);
  if (refresh) {
    const family = await deps.refreshFamilies.find(refresh.familyId);
    if (!family || refresh.generation !== family.generation) return inactive;
    const now = deps.clock.now();
    const decision = decideRefresh(family, { generation: refresh.generation, accountId: account.id, clientId: client.publicKey }, now, client.settings);
    if (decision.kind !== 'rotate') return inactive;
    const user = await deps.users.findById(account.id, family.userId);
    if (!user?.isActive) return inactive;
    const settings = client.settings;
    const exp = Math.min(
      family.createdAt + settings.refreshTokenAbsoluteLifetimeSeconds * 1000,
      family.rotatedAt + settings.refreshTokenSlidingLifetimeSeconds * 1000,
    );
    return {
      active: true,
      token_type: 'refresh_token',
      scope: family.scope,
      client_id: family.clientId,
      sub: user.id,
      username: user.username,
      iss: deps.issuerFor(account),
      iat: Math.floor(family.rotatedAt / 1000),
      exp: Math.floor(exp / 1000),
    };
  }

  const verified = await verifyBearerToken(deps, account, token);
  if (!verified.ok || verified.claims.client_id !== client.publicKey) return inactive;
  const user = await deps.users.findById(account.id, verified.claims.sub);
  if (!user?.isActive) return inactive;
  const { claims } = verified;
  return {
    active: true,
    token_type: 'Bearer',
    scope: claims.scope,
    client_id: claims.client_id,
    sub: claims.sub,
    username: user.username,
    iss: claims.iss,
    aud: claims.aud,
    iat: claims.iat,
    exp: claims.exp,
    jti: claims.jti,
  };
}
