import { ApiError } from '../../../errors.js';
import type { ClientSettings } from '../../accounts/types.js';
import type { TokenSubject } from '../../users/types.js';
import { issueTokens } from '../issue-tokens.js';
import { decodeRefreshToken } from '../refresh-tokens.js';
import { decideRefresh } from '../rotation.js';
import { narrowScope } from '../scopes.js';
import { param, requiredParam, type Grant, type OAuthDeps, type TokenResponse } from '../token-context.js';

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
    const requestedScope = param(params, 'scope');
    const decoded = decodeRefreshToken(deps.refreshSecret, presented);
    if (!decoded) throw new ApiError('refresh_token_malformed');

    const issue: Issue = (user, scope, generation) =>
      issueTokens(deps, { account, client, user, scope, refresh: { familyId: decoded.familyId, generation } });
    return spend(deps, decoded.familyId, decoded.generation, { accountId: account.id, clientId: client.publicKey }, client.settings, requestedScope, issue);
  },
};

/** The token response for `user`, carrying refresh token `generation` of the family. */
type Issue = (user: TokenSubject, scope: string[], generation: number) => Promise<TokenResponse>;

/** Applies the rotation policy atomically, and answers with the tokens only if it holds. */
async function spend(
  deps: OAuthDeps,
  familyId: string,
  generation: number,
  caller: { accountId: string; clientId: string },
  settings: ClientSettings,
  requestedScope: string | undefined,
  issue: Issue,
): Promise<TokenResponse> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const found = await deps.refreshFamilies.findWithSubject(familyId);
    if (!found) throw new ApiError('refresh_token_unknown');
    const { family, user } = found;
    const now = deps.clock.now();
    const decision = decideRefresh(family, { generation, ...caller }, now, settings);
    if (decision.kind === 'reject') throw new ApiError(decision.code);
    if (decision.kind === 'reuse') {
      await deps.refreshFamilies.revoke(family.id, 'reuse', now);
      throw new ApiError('refresh_token_reused');
    }
    // Every other refusal comes before the token is spent: a refused request (an inactive user,
    // a wider scope) must not cost the caller its token, or its next honest refresh would look
    // like reuse and end the session.
    if (!user) throw new ApiError('refresh_token_unknown');
    if (!user.isActive) throw new ApiError('user_inactive');
    const scope = narrowScope(family.scope.split(' '), requestedScope);
    if (decision.kind === 'replay') return issue(user, scope, family.generation);
    // The tokens are signed while the rotation commits (the SQLite store commits a turn's
    // rotations together), and leave only if this rotation won. One that lost a race is
    // signed for nothing and decided again: it is now a replay, or reuse.
    const [won, tokens] = await Promise.all([deps.refreshFamilies.advance(family.id, generation, now), issue(user, scope, generation + 1)]);
    if (won) return tokens;
  }
  // Lost the race every time: the family is being hammered; refuse rather than fork it.
  throw new ApiError('refresh_token_reused');
}
