import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { ApiError } from '../errors.js';
import type { UserStore } from '../modules/users/store.js';
import type { User } from '../modules/users/types.js';
import { cachedBearerClaims, verifyBearerToken } from '../modules/oauth/verify-bearer.js';
import type { AccessTokenClaims } from '../modules/oauth/access-tokens.js';
import type { SignedInUserCache } from '../modules/users/signed-in-user-cache.js';
import type { OAuthDeps } from '../modules/oauth/token-context.js';

/**
 * The hook of every route that needs a user (access.ts adds it): verifies the bearer JWT
 * (signature, issuer of this account, audience, expiry with leeway) and that the user still
 * exists and is active, and sets request.user. `users` is the signed-in-user cache in the app: the
 * user may be up to 2 s old (the grants' bound), which is what a permission check may rely on.
 */
export function authenticate(deps: { oauth: OAuthDeps; users: Pick<UserStore, 'findById'> & Partial<Pick<SignedInUserCache, 'cached'>> }): onRequestHookHandler {
  const admit = (request: FastifyRequest, claims: AccessTokenClaims, user: User | undefined): ApiError | undefined => {
    if (!user || !user.isActive) return new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    request.user = user;
    request.sessionId = claims.sid;
    return undefined;
  };
  const verify = async (request: FastifyRequest, token: string): Promise<ApiError | undefined> => {
    const result = await verifyBearerToken(deps.oauth, request.account, token);
    if (!result.ok) {
      request.log.info({ why: result.why }, 'bearer token refused');
      return new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    }
    return admit(request, result.claims, await deps.users.findById(request.account.id, result.claims.sub));
  };
  // Callback style: a token verified before and a user read in the last 2 s (nearly every
  // request) cost no promise and no microtask.
  return (request, _reply, done) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null;
    if (!match) return done(new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer' } }));
    const token = match[1]!;
    const claims = cachedBearerClaims(deps.oauth, request.account, token);
    const known = claims && deps.users.cached?.(request.account.id, claims.sub);
    if (claims && known) return done(admit(request, claims, known.user));
    verify(request, token).then((refusal) => done(refusal), done);
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
