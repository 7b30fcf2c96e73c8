import { ApiError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { hashPassword, verifyPassword } from '../../lib/passwords.js';
import type { LoginThrottle } from '../../limits/login-throttle.js';
import type { Account } from '../accounts/types.js';
import { checkNewPassword, newSecurityStamp } from './service.js';
import type { UserStore } from './store.js';
import type { User } from './types.js';

export interface PasswordChangeDeps {
  users: UserStore;
  clock: Clock;
  /** The password grant's: a wrong previous password counts as a failed login, per user and per IP. */
  loginThrottle: LoginThrottle;
}

export interface PasswordChangeBody {
  previousPassword?: string | null;
  newPassword?: string | null;
}

/**
 * POST /users/me/password, reasons in the docs' order. It answers whether a password is right,
 * so it is throttled as the password grant is. A new stamp spends outstanding recovery requests;
 * every refresh family of the user but the caller's own (its token's `sid`) is revoked.
 */
export async function changeOwnPassword(
  deps: PasswordChangeDeps,
  account: Account,
  caller: { user: User; sessionId: string | undefined; ip: string },
  body: PasswordChangeBody,
): Promise<void> {
  const { user } = caller;
  if (user.anonymous || user.passwordHash === null) throw new ApiError('password_change_anonymous');
  const next = checkNewPassword(body.newPassword);
  const previous = body.previousPassword;
  if (!previous) throw new ApiError('previous_password_required');
  await deps.loginThrottle.check(account, user.username, caller.ip, deps.clock.now());
  if (!(await verifyPassword(user.passwordHash, previous))) {
    await deps.loginThrottle.recordFailure(account, user.username, caller.ip, deps.clock.now());
    throw new ApiError('previous_password_mismatch');
  }
  await deps.loginThrottle.recordSuccess(account, user.username);
  const changed = await deps.users.changePassword(account.id, user.id, {
    passwordHash: await hashPassword(next),
    securityStamp: newSecurityStamp(),
    keepFamilyId: caller.sessionId,
    now: deps.clock.now(),
  });
  if (!changed) throw new ApiError('unauthorized');
}
