import { ApiError } from '../../errors.js';

/**
 * Reading untrusted JSON bodies into typed registration input: each field must have the
 * documented type, or the request is refused with a reason rather than coerced.
 */
export type Body = Record<string, unknown>;

export function asBody(body: unknown): Body {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ApiError('body_malformed', { reason: 'Request body must be a JSON object.' });
  return body as Body;
}

export function optionalString(body: Body, field: string): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ApiError('field_invalid', { reason: `${field} must be a string.` });
  if (value.length > 4096) throw new ApiError('field_invalid', { reason: `${field} must be at most 4096 characters.` });
  return value;
}

export interface SecurityQuestionInput {
  question: string;
  answer: string;
}

export function securityQuestions(body: Body): SecurityQuestionInput[] {
  const value = body.securityQuestions;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 20) {
    throw new ApiError('field_invalid', { reason: 'securityQuestions must be a list of at most 20 questions.' });
  }
  return value.map((item) => {
    const q = item as Body;
    if (typeof item !== 'object' || item === null || typeof q.question !== 'string' || typeof q.answer !== 'string' || !q.question.trim() || !q.answer) {
      throw new ApiError('field_invalid', { reason: 'Each security question needs a question and an answer.' });
    }
    if (q.question.length > 1024 || q.answer.length > 1024) {
      throw new ApiError('field_invalid', { reason: 'Security questions and answers must be at most 1024 characters.' });
    }
    return { question: q.question, answer: q.answer };
  });
}

const maxUsernameLength = 128;

/** Trims a username and checks it is one (present, printable, not too long). */
export function checkUsername(username: string): string {
  const trimmed = username.trim();
  if (!trimmed) throw new ApiError('username_field_required');
  if ([...trimmed].length > maxUsernameLength) throw new ApiError('username_too_long');
  // Control characters (NUL included) have no place in a name that appears in URLs and logs.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new ApiError('field_invalid', { reason: 'Username must not contain control characters.' });
  return trimmed;
}

// Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is the mail server's call.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// E.164: a plus, a country code that does not start with 0, at most 15 digits in all.
const phonePattern = /^\+[1-9]\d{1,14}$/;

export function isEmail(value: string): boolean {
  return value.length <= 254 && emailPattern.test(value);
}

export function isInternationalPhone(value: string): boolean {
  return phonePattern.test(value);
}
