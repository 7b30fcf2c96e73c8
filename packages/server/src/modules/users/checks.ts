import { ApiError } from '../../errors.js';

/** The checks of user input that a schema cannot say: trimmed names, formats. */

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
