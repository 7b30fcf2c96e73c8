import { ApiError } from '../../errors.js';
import type { RefreshFamily } from '../../store/types.js';
import { issueTokens } from '../issue-tokens.js';
import { decodeRefreshToken } from '../refresh-tokens.js';
import { decideRefresh } from '../rotation.js';
import { narrowScope } from '../scopes.js';
import { param, requiredParam, type Grant, type OAuthDeps } from '../token-context.js';

/** A racing rotation can lose the conditional update; it then re-reads and decides again. */
const MAX_ATTEMPTS = 3;

/**
 * refresh_token grant with one-time-use rotation, reuse detection and a grace window in which
 * racing callers converge on the same successor (see rotation.ts for the policy).
 */
export const refreshTokenGrant: Grant = {
  grantType: 'refresh_token',
  async handle(deps, { account, client, params }) {
    const presented = requiredParam(params, 'refresh_token');
    const decoded = decodeRefreshToken(deps.refreshSecret, presented);
    if (!decoded) throw new ApiError('refresh_token_malformed');

    const family = await spend(deps, decoded.familyId, decoded.generation, account.id, client.publicKey, client.settings);
    const user = await deps.store.findUserById(account.id, family.userId);
    if (!user) throw new ApiError('refresh_token_unknown');
    if (!user.isActive) throw new ApiError('user_inactive');
    const scope = narrowScope(family.scope.split(' '), param(params, 'scope'));
    return issueTokens(deps, { account, client, user, scope, refresh: { familyId: family.id, generation: family.generation } });
  },
};

/** Applies the rotation policy atomically; returns the family as it stands after, with the generation to hand out. */
async function spend(
  deps: OAuthDeps,
  familyId: string,
  generation: number,
  accountId: string,
  clientId: string,
  settings: Parameters<typeof decideRefresh>[3],
): Promise<RefreshFamily> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const family = await deps.store.findRefreshFamily(familyId);
    if (!family) throw new ApiError('refresh_token_unknown');
    const now = deps.clock.now();
    const decision = decideRefresh(family, { generation, accountId, clientId }, now, settings);
    switch (decision.kind) {
      case 'reject':
        throw new ApiError(decision.code);
      case 'reuse':
        await deps.store.revokeRefreshFamily(family.id, 'reuse', now);
        throw new ApiError('refresh_token_reused');
      case 'replay':
        return family;
      case 'rotate':
        if (await deps.store.advanceRefreshFamily(family.id, generation, now)) {
          return { ...family, generation: generation + 1, rotatedAt: now };
        }
    }
  }
  // Lost the race every time: the family is being hammered; refuse rather than fork it.
  throw new ApiError('refresh_token_reused');
}
