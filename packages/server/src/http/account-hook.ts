import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { LimitStore } from '../limits/limit-store.js';
import type { Directory } from '../modules/accounts/directory.js';
import { applyCors } from './cors.js';

/**
 * Runs first on every /{account}/... request: finds the account (404 when there is none) and
 * applies its CORS allow-list, and counts the request against the account's API limit (429 with Retry-After when used up).
 */
export function accountHook(ctx: { directory: Directory; limits: LimitStore; clock: Clock }) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const name = (request.params as { account?: string }).account ?? '';
    const account = name.length <= 63 ? await ctx.directory.account(name) : undefined;
    if (!account) throw new ApiError('account_not_found', { reason: `Account "${name.slice(0, 63)}" not found.` });
    request.account = account;
    applyCors(request, reply, account);
    // A preflight is answered by the OPTIONS route and is not an API call.
    if (request.method === 'OPTIONS') return;
    const { apiRequestLimit, apiLimitWindowSeconds } = account.settings;
    if (apiRequestLimit === null) return;
    const verdict = await ctx.limits.hit(`api:${account.id}`, apiRequestLimit, apiLimitWindowSeconds * 1000, ctx.clock.now());
    if (!verdict.allowed) {
      throw new ApiError('rate_limited', { headers: { 'retry-after': String(verdict.retryAfterSeconds) } });
    }
  };
}
