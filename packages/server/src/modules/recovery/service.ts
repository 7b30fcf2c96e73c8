import { ApiError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { hashPassword } from '../../lib/passwords.js';
import type { Account } from '../accounts/types.js';
import type { OutboxStore } from '../outbox/store.js';
import { checkNewPassword, newSecurityStamp } from '../users/service.js';
import type { UserStore } from '../users/store.js';
import type { RecoveryLimits } from './attempt-limits.js';
import { codeRequest, questionRequest, type IssuedRequest } from './issue.js';
import { mustVerify } from './policy.js';
import { attemptOf, carriedRequest, proveRequest, type CarriedRequest, type Verdict } from './prove.js';
import type { RequestPurpose } from './request.js';
import type { CarriedRequestBody, ForgotPasswordBody, ResetPasswordBody } from './schemas.js';

export interface RecoveryDeps {
  users: UserStore;
  outbox: OutboxStore;
  limits: RecoveryLimits;
  clock: Clock;
  /** Requests are MACed under it. */
  secret: Buffer;
  /** A message was written: the delivery loop looks at once. */
  nudge(): void;
}

/** POST /users/forgotpassword. The code goes out through the outbox: the answer never waits for a mail server. */
export async function forgotPassword(deps: RecoveryDeps, account: Account, body: ForgotPasswordBody, ip: string): Promise<IssuedRequest> {
  const username = body.username?.trim();
  if (!username) throw new ApiError('username_required');
  const { recovery } = account.settings;
  if (recovery === 'none') throw new ApiError('recovery_not_configured');
  const now = deps.clock.now();
  await deps.limits.checkForgot(account, username, ip, now);
  const user = await deps.users.findByUsername(account.id, username);
  if (!user) throw new ApiError('recovery_user_not_found');
  if (user.anonymous) throw new ApiError('recovery_anonymous');
  const attempt = attemptOf(body.attempt);
  if (recovery === 'question') return questionRequest(deps.secret, account, user, attempt, now);
  // The answer never waits for delivery, so it takes as long whether a code goes out or not (no
  // address: an empty hint, which says as much as any timing could).
  const { request, message } = codeRequest(deps.secret, account, user, 'reset', attempt, now);
  if (message) {
    await deps.outbox.enqueue(message);
    deps.nudge();
  }
  return request;
}

/** POST /users/checkhash: a bare true or false; only missing fields are 400s. */
export async function checkHash(deps: RecoveryDeps, account: Account, body: CarriedRequestBody): Promise<boolean> {
  const request = carriedRequest(body);
  const user = await deps.users.findByUsername(account.id, request.username);
  if (!user || user.anonymous) return false;
  // Either kind of request may be checked: a reset's, or a registration's verification.
  const purposes: RequestPurpose[] = account.settings.recovery === 'question' ? ['reset'] : ['reset', 'verify'];
  for (const purpose of purposes) {
    if ((await prove(deps, account, user, purpose, request)) === 'valid') return true;
  }
  return false;
}

/** POST /users/resetpassword: the new password, a new stamp (the request is spent), and every login ended. */
export async function resetPassword(deps: RecoveryDeps, account: Account, body: ResetPasswordBody): Promise<void> {
  const request = carriedRequest(body);
  const password = checkNewPassword(body.newPassword);
  const user = await deps.users.findByUsername(account.id, request.username);
  if (!user) throw new ApiError('hash_invalid');
  if (user.anonymous) throw new ApiError('reset_anonymous');
  refuse(await prove(deps, account, user, 'reset', request));
  const changed = await deps.users.changePassword(account.id, user.id, {
    passwordHash: await hashPassword(password),
    securityStamp: newSecurityStamp(),
    expectedStamp: user.securityStamp,
    // A code that reached the address proves it, as verification would.
    markVerified: mustVerify(account.settings.recovery),
    now: deps.clock.now(),
  });
  // Someone else spent the same request (or changed the password) in the meantime.
  if (!changed) throw new ApiError('hash_invalid');
}

/** POST /users/verify: the registration's code proves the address; a new stamp spends the request. */
export async function verifyUser(deps: RecoveryDeps, account: Account, body: CarriedRequestBody): Promise<void> {
  const request = carriedRequest(body);
  const user = await deps.users.findByUsername(account.id, request.username);
  if (!user) throw new ApiError('hash_invalid');
  if (user.anonymous) throw new ApiError('verify_anonymous');
  if (user.verified) throw new ApiError('user_already_verified');
  refuse(await prove(deps, account, user, 'verify', request));
  if (!(await deps.users.markVerified(account.id, user.id, user.securityStamp, newSecurityStamp()))) {
    const now = await deps.users.findById(account.id, user.id);
    throw new ApiError(now?.verified ? 'user_already_verified' : 'hash_invalid');
  }
}

function prove(deps: RecoveryDeps, account: Account, user: Parameters<typeof proveRequest>[2], purpose: RequestPurpose, request: CarriedRequest) {
  return proveRequest({ secret: deps.secret, limits: deps.limits, now: deps.clock.now() }, account, user, purpose, request);
}

function refuse(verdict: Verdict): void {
  if (verdict !== 'valid') throw new ApiError(verdict);
}
