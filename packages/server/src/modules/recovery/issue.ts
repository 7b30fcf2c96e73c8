import type { Account } from '../accounts/types.js';
import { codeMessage } from '../outbox/messages.js';
import type { OutboxMessage } from '../outbox/types.js';
import type { User } from '../users/types.js';
import { newCode } from './codes.js';
import { maskEmail, maskPhone } from './hints.js';
import { expiryFrom, formatExpires, requestMac, type RequestPurpose } from './request.js';

/** The body of forgotpassword's 200 and of registration's 201. */
export interface IssuedRequest {
  username: string;
  attempt: number;
  hash: string;
  expires: string;
  hint: string;
}

/**
 * A request whose proof is a code sent to the user's address (e-mail or text, as the account
 * recovers): the request, and the message to write with it. No address: a request nobody can
 * complete, with an empty hint, and no message.
 */
export function codeRequest(
  secret: Buffer,
  account: Account,
  user: User,
  purpose: RequestPurpose,
  attempt: number,
  now: number,
): { request: IssuedRequest; message: OutboxMessage | undefined } {
  const expires = expiryFrom(now);
  const code = newCode();
  const hash = requestMac(secret, { accountId: account.id, userId: user.id, purpose, attempt, expires, code, stamp: user.securityStamp });
  const byText = account.settings.recovery === 'text';
  const recipient = byText ? user.phoneNumber : user.emailAddress;
  const request = { username: user.username, attempt, hash, expires: formatExpires(expires), hint: '' };
  if (!recipient) return { request, message: undefined };
  request.hint = byText ? maskPhone(recipient) : maskEmail(recipient);
  const message = codeMessage(account, { channel: byText ? 'sms' : 'email', recipient, username: user.username }, purpose, code, request.expires, now);
  return { request, message };
}

/** With question recovery the attempt picks the question, whose text is the hint; its answer is the proof. */
export function questionRequest(secret: Buffer, account: Account, user: User, attempt: number, now: number): IssuedRequest {
  const expires = expiryFrom(now);
  const hash = requestMac(secret, { accountId: account.id, userId: user.id, purpose: 'reset', attempt, expires, code: '', stamp: user.securityStamp });
  const question = questionFor(user, attempt);
  return { username: user.username, attempt, hash, expires: formatExpires(expires), hint: question?.question ?? '' };
}

export function questionFor(user: User, attempt: number) {
  const questions = user.securityQuestions;
  return questions.length === 0 ? undefined : questions[(attempt - 1) % questions.length];
}
