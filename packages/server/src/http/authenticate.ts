import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import type { UserStore } from '../modules/users/store.js';
import type { User } from '../modules/users/types.js';
import { verifyBearerToken } from '../modules/oauth/verify-bearer.js';
import type { OAuthDeps } from '../modules/oauth/token-context.js';

/**
 * The hook of every route that needs a user (access.ts adds it): verifies the bearer JWT
 * (signature, issuer of this account, audience, expiry with leeway) and that the user still
 * exists and is active, and sets request.user. `users` is the signed-in-user cache in the app: the
 * user may be up to 2 s old (the grants' bound), which is what a permission check may rely on.
 */
export function authenticate(deps: { oauth: OAuthDeps; users: Pick<UserStore, 'findById'> }) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null;
    if (!match) throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer' } });
    const result = await verifyBearerToken(deps.oauth, request.account, match[1]!);
    if (!result.ok) {
      request.log.info({ why: result.why }, 'bearer token refused');
      throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    }
    const user = await deps.users.findById(request.account.id, result.claims.sub);
    if (!user || !user.isActive) throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    request.user = user;
    request.sessionId = result.claims.sid;
  };
}

/** The user of a route declared signed-in or with a permission; authenticate has set it. */
export function signedInUser(request: FastifyRequest): User {
  if (!request.user) throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer' } });
  return request.user;
}

/**
 * The signed-in user as stored now, for routes that answer with the user's own data: the gate's
 * copy may be up to 2 s old. Refused as the gate refuses if the user has gone or been deactivated.
 */
export async function currentSignedInUser(request: FastifyRequest, users: Pick<UserStore, 'findById'>): Promise<User> {
  const user = await users.findById(request.account.id, signedInUser(request).id);
  if (!user || !user.isActive) throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
  return user;
}
