import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { verifyBearerToken } from '../oauth/verify-bearer.js';
import type { AppContext } from './context.js';

/**
 * preHandler of every route that needs a user: verifies the bearer JWT (signature, issuer of this
 * account, audience, expiry with leeway) and that the user still exists and is active.
 */
export function requireUser(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null;
    if (!match) throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer' } });
    const result = await verifyBearerToken(ctx.oauth, request.account, match[1]!);
    if (!result.ok) {
      request.log.info({ why: result.why }, 'bearer token refused');
      throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    }
    const user = await ctx.store.findUserById(request.account.id, result.claims.sub);
    if (!user || !user.isActive) throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    request.user = user;
  };
}
