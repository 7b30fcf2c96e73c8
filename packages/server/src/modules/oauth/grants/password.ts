import { timingSafeEqual } from 'node:crypto';
import { verifyAgainstDummy, verifyPassword } from '../../../lib/passwords.js';
import { ANONYMOUS_PASSWORD } from '../../users/service.js';
import { ApiError } from '../../../errors.js';
import type { User } from '../../users/types.js';
import { mustVerify } from '../../recovery/policy.js';
import { issueTokens } from '../issue-tokens.js';
import { newFamilyId } from '../refresh-tokens.js';
import { parseScope } from '../scopes.js';
import { requiredParam, param, type Grant } from '../token-context.js';

const anonymousPassword = Buffer.from(ANONYMOUS_PASSWORD);

/** Resource-owner password grant; anonymous users present MeshyDB's fixed `nopassword`. */
export const passwordGrant: Grant = {
  grantType: 'password',
  async handle(deps, { account, client, params, clientIp }) {
    const username = requiredParam(params, 'username');
    const password = requiredParam(params, 'password');
    const scope = parseScope(param(params, 'scope'));

    await deps.loginThrottle.check(account, username, clientIp, deps.clock.now());
    const user = await deps.users.findByUsername(account.id, username);
    if (!user) {
      await verifyAgainstDummy(password);
      await deps.loginThrottle.recordFailure(account, username, clientIp, deps.clock.now());
      throw new ApiError('username_invalid');
    }
    if (!(await passwordMatches(user, password))) {
      await deps.loginThrottle.recordFailure(account, username, clientIp, deps.clock.now());
      throw new ApiError('password_invalid');
    }
    if (!user.isActive) throw new ApiError('user_inactive');
    // Said only to whoever knows the password: an address is proven by POST /users/verify.
    if (mustVerify(account.settings.recovery) && !user.verified && !user.anonymous) throw new ApiError('user_unverified');
    await deps.loginThrottle.recordSuccess(account, username);

    const now = deps.clock.now();
    await deps.users.touch(account.id, user.id, now);
    let refresh: { familyId: string; generation: number } | undefined;
    if (scope.includes('offline_access')) {
      refresh = { familyId: newFamilyId(), generation: 0 };
      await deps.refreshFamilies.create({
        id: refresh.familyId,
        accountId: account.id,
        clientId: client.publicKey,
        userId: user.id,
        scope: scope.join(' '),
        generation: 0,
        createdAt: now,
        rotatedAt: now,
        revokedAt: null,
        revokeReason: null,
      });
    }
    return issueTokens(deps, { account, client, user, scope, refresh });
  },
};

async function passwordMatches(user: User, password: string): Promise<boolean> {
  if (user.passwordHash === null) {
    // Anonymous users have no secret of their own: only the fixed password opens them.
    const given = Buffer.from(password);
    return given.length === anonymousPassword.length && timingSafeEqual(given, anonymousPassword);
  }
  // A real user's password can never be `nopassword`, whatever they registered with.
  const valid = await verifyPassword(user.passwordHash, password);
  return valid && password !== ANONYMOUS_PASSWORD;
}
