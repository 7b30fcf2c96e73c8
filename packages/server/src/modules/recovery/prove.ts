import { ApiError } from '../../errors.js';
import { verifyPassword } from '../../lib/passwords.js';
import type { Account } from '../accounts/types.js';
import type { User } from '../users/types.js';
import type { RecoveryLimits } from './attempt-limits.js';
import { normalizeAnswer, normalizeCode } from './codes.js';
import { questionFor } from './issue.js';
import { macMatches, parseExpires, type RequestPurpose } from './request.js';
import type { CarriedRequestBody } from './schemas.js';

/** The fields every carried request needs, checked in the docs' order of reasons. */
export interface CarriedRequest {
  username: string;
  attempt: number;
  hash: string;
  expires: string;
  code: string;
}

export function carriedRequest(body: CarriedRequestBody): CarriedRequest {
  const username = body.username?.trim();
  if (!username) throw new ApiError('username_required');
  if (!body.hash) throw new ApiError('hash_required');
  if (!body.expires?.trim()) throw new ApiError('expires_required');
  const code = body.verificationCode === null || body.verificationCode === undefined ? '' : String(body.verificationCode);
  if (!code.trim()) throw new ApiError('verification_code_required');
  return { username, attempt: attemptOf(body.attempt), hash: body.hash, expires: body.expires, code };
}

/** MeshyDB's default attempt is 1; digits as text count too. */
export function attemptOf(attempt: number | string | null | undefined): number {
  if (attempt === null || attempt === undefined) return 1;
  const value = typeof attempt === 'number' ? attempt : Number(attempt.trim());
  return value >= 1 ? value : 1;
}

export interface ProveDeps {
  secret: Buffer;
  limits: RecoveryLimits;
  now: number;
}

export type Verdict = 'valid' | 'hash_invalid' | 'hash_expired';

/**
 * Whether the request is one this server issued to the user for `purpose`, with the right code
 * (or answer), still unused and unexpired. Nothing the client sent is trusted: the MAC is
 * recomputed over the stored stamp; a wrong code spends one of the request's few guesses.
 */
export async function proveRequest(deps: ProveDeps, account: Account, user: User, purpose: RequestPurpose, request: CarriedRequest): Promise<Verdict> {
  const expires = parseExpires(request.expires);
  if (expires === undefined) return 'hash_invalid';
  const facts = { accountId: account.id, userId: user.id, purpose, attempt: request.attempt, expires };
  if (await deps.limits.isSpent(facts, deps.now)) return 'hash_invalid';
  const byQuestion = purpose === 'reset' && account.settings.recovery === 'question';
  const code = byQuestion ? '' : normalizeCode(request.code);
  if (!macMatches(deps.secret, { ...facts, code, stamp: user.securityStamp }, request.hash)) {
    if (!byQuestion) await deps.limits.recordWrongCode(facts, deps.now);
    return 'hash_invalid';
  }
  if (expires <= deps.now) return 'hash_expired';
  if (byQuestion && !(await answerMatches(user, request.attempt, request.code))) {
    await deps.limits.recordWrongCode(facts, deps.now);
    return 'hash_invalid';
  }
  return 'valid';
}

/** Answers are hashed in their normal form (codes.ts); an answer hashed as typed, before that, still opens. */
async function answerMatches(user: User, attempt: number, answer: string): Promise<boolean> {
  const question = questionFor(user, attempt);
  if (!question) return false;
  const normal = normalizeAnswer(answer);
  if (await verifyPassword(question.answerHash, normal)) return true;
  return normal !== answer && verifyPassword(question.answerHash, answer);
}
