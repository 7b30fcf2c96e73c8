import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import { ApiError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { LimitStore } from '../limits/limit-store.js';
import { RefusalLog } from '../limits/refusal-log.js';
import type { Directory } from '../modules/accounts/directory.js';
import type { Account } from '../modules/accounts/types.js';
import { applyCors } from './cors.js';
import type { CorsAllowLists } from './cors-allow-lists.js';

/**
 * Runs first on every /{account}/... request, the scope's 404s included: finds the account (404
 * when there is none) and applies its CORS allow-list, and counts the request against the
 * account's API limit (429 with Retry-After when used up).
 */
export function accountHook(ctx: { directory: Directory; limits: LimitStore; clock: Clock }, allowLists: CorsAllowLists): onRequestHookHandler {
  const refusals = new RefusalLog();
  /** The request's account is known: CORS, then the API limit (no promise when the account has none). */
  const admit = (request: FastifyRequest, reply: FastifyReply, account: Account, done: HookHandlerDoneFunction): void => {
    request.account = account;
    allowLists.remember(account);
    applyCors(request, reply, account.settings.corsOrigins);
    // A preflight is answered by the OPTIONS route and is not an API call.
    if (request.method === 'OPTIONS' || account.settings.apiRequestLimit === null) return done();
    countApiRequest(ctx, refusals, request, account).then(() => done(), done);
  };
  const lookUp = async (request: FastifyRequest, reply: FastifyReply, name: string): Promise<Account> => {
    let account: Account | undefined;
    try {
      account = couldNameAnAccount(name) ? await ctx.directory.account(name) : undefined;
    } catch (error) {
      // The store cannot say what the account allows now: the allow-list it said last lets the
      // account's web app read the 503 instead of seeing a CORS failure.
      applyCors(request, reply, allowLists.lastKnownFor(name));
      throw error;
    }
    // No account, no allow-list: nobody has allowed any origin to read this 404.
    if (!account) {
      allowLists.forget(name);
      throw new ApiError('account_not_found', { reason: `Account "${name.slice(0, 63)}" not found.` });
    }
    return account;
  };
  // Callback style: a cached account (nearly every request) costs no promise and no microtask.
  return (request, reply, done) => {
    const name = (request.params as { account?: string }).account ?? '';
    const cached = name.length <= 63 ? ctx.directory.cachedAccount(name) : undefined;
    if (cached) return admit(request, reply, cached, done);
    lookUp(request, reply, name).then((account) => admit(request, reply, account, done), done);
  };
}

/**
 * Account names are at most 63 characters and never hold U+0000 (accounts.ts), which PostgreSQL's
 * text could not even be asked about: other names are answered 404 without the store.
 */
function couldNameAnAccount(name: string): boolean {
  return name.length <= 63 && !name.includes('\0');
}

/** 429 `api_limit_exceeded` once the account's window is used up; the first 429 of a window is logged. */
async function countApiRequest(ctx: { limits: LimitStore; clock: Clock }, refusals: RefusalLog, request: FastifyRequest, account: Account): Promise<void> {
  const { apiRequestLimit, apiLimitWindowSeconds } = account.settings;
  if (apiRequestLimit === null) return;
  const now = ctx.clock.now();
  const windowMs = apiLimitWindowSeconds * 1000;
  const verdict = await ctx.limits.hit(`api:${account.id}`, apiRequestLimit, windowMs, now);
  if (verdict.allowed) return;
  // The limit stores count in fixed windows aligned to the epoch: this is where this one ends.
  const windowEnd = now - (now % windowMs) + windowMs;
  if (refusals.shouldLog(account.id, now, windowEnd)) {
    request.log.warn(
      { code: 'api_limit_exceeded', account: account.name, limit: apiRequestLimit, windowSeconds: apiLimitWindowSeconds, retryAfterSeconds: verdict.retryAfterSeconds },
      'API limit reached: the account gets 429 until the window ends',
    );
  }
  throw new ApiError('api_limit_exceeded', { headers: { 'retry-after': String(verdict.retryAfterSeconds) } });
}
