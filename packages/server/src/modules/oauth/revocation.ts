import { ApiError } from '../../errors.js';
import type { Account } from '../accounts/types.js';
import { decodeRefreshToken } from './refresh-tokens.js';
import { param, type FormParams, type OAuthDeps } from './token-context.js';
import { authenticateClient } from './token-endpoint.js';

/**
 * POST /{account}/connect/revocation (RFC 7009). Revoking a refresh token ends its whole family.
 * Unknown tokens, and tokens of another client, answer 200 as well: the caller learns nothing.
 * Access tokens are self-contained JWTs that expire by themselves: a hint of `access_token`
 * is "Unsupported Token type." (RFC 7009 §2.2.1).
 */
export async function revokeToken(deps: OAuthDeps, account: Account, params: FormParams): Promise<void> {
  const client = await authenticateClient(deps, account, param(params, 'client_id'));
  if (!client) throw new ApiError('revocation_client_invalid');
  const token = param(params, 'token');
  if (token === undefined) throw new ApiError('token_missing');
  const hint = param(params, 'token_type_hint');
  if (hint !== undefined && hint !== 'refresh_token') throw new ApiError('token_type_unsupported');

  const decoded = decodeRefreshToken(deps.refreshSecret, token);
  if (!decoded) return;
  const family = await deps.refreshFamilies.find(decoded.familyId);
  if (!family || family.accountId !== account.id || family.clientId !== client.publicKey) return;
  await deps.refreshFamilies.revoke(family.id, 'revoked', deps.clock.now());
}
