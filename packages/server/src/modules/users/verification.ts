import { createHmac } from 'node:crypto';
import type { User } from './types.js';

const VERIFICATION_LIFETIME_MS = 3600_000;

/**
 * The 201 body MeshyDB answers a registration with when e-mail or text verification is on: a
 * signed, expiring verification request. Delivering the code (SMTP, SMS) and the checkhash and
 * verify endpoints are not built yet; the README says so.
 */
export function verificationRequest(secret: Buffer, user: User, now: number) {
  const expires = new Date(now + VERIFICATION_LIFETIME_MS).toISOString();
  const attempt = 1;
  const hash = createHmac('sha256', secret).update(`verify|${user.accountId}|${user.id}|${attempt}|${expires}`).digest('base64url');
  return { username: user.username, attempt, hash, expires, hint: hintFor(user) };
}

/** Enough of the address for a person to recognise it, not enough to learn it. */
function hintFor(user: User): string {
  if (user.emailAddress) {
    const [local = '', domain = ''] = user.emailAddress.split('@');
    return `${local.slice(0, 1)}***@${domain}`;
  }
  if (user.phoneNumber) return `***${user.phoneNumber.slice(-4)}`;
  return '';
}
