import { hmacSha256, safeEqual } from '../../lib/secrets.js';

/**
 * A recovery or verification request, as the client carries it between calls: {username,
 * attempt, hash, expires, hint}. Nothing of it is stored; `hash` is a MAC under the server secret
 * over who it is for, what it is for, its attempt and expiry, the code sent (or '' for a security
 * question, whose answer is checked against its own hash) and the user's security stamp, which
 * changes with the password and the verification state: a used or superseded request is dead.
 */
export type RequestPurpose = 'verify' | 'reset';

export interface RequestFacts {
  accountId: string;
  userId: string;
  purpose: RequestPurpose;
  attempt: number;
  /** Epoch ms, a whole second: the MAC covers seconds, so a client that drops milliseconds is still exact. */
  expires: number;
  code: string;
  stamp: string;
}

/** The docs: "The request will be valid for one hour." */
export const REQUEST_LIFETIME_MS = 3_600_000;
const domain = Buffer.from('openmeshy recovery request v1');

export function expiryFrom(now: number): number {
  return Math.ceil((now + REQUEST_LIFETIME_MS) / 1000) * 1000;
}

export function requestMac(secret: Buffer, facts: RequestFacts): string {
  const message = JSON.stringify([facts.accountId, facts.userId, facts.purpose, facts.attempt, Math.floor(facts.expires / 1000), facts.code, facts.stamp]);
  return hmacSha256(secret, domain, Buffer.from(message)).toString('base64url');
}

/** Constant-time: a guesser learns nothing from how long a wrong hash takes. */
export function macMatches(secret: Buffer, facts: RequestFacts, hash: string): boolean {
  return safeEqual(Buffer.from(requestMac(secret, facts)), Buffer.from(hash));
}

/** ISO 8601 in UTC with milliseconds, as MeshyDB's SDK parses and writes back. */
export function formatExpires(expires: number): string {
  return new Date(expires).toISOString();
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const slashDate = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i;
const rfc1123 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC|[+-]\d{4})$/;

/**
 * An instant from any unambiguous spelling of one: ISO 8601 (no zone meaning UTC, the zone the
 * server gives), RFC 1123 (what a Date's toUTCString writes), and the docs' older "1/1/1900"
 * when day and month cannot be swapped (equal, or one above 12). undefined otherwise.
 */
export function parseExpires(raw: string): number | undefined {
  const text = raw.trim();
  let match = isoDate.exec(text);
  if (match) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = match;
    const ms = Number((frac + '000').slice(0, 3));
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    if (!sameFields(utc, Number(y), Number(mo), Number(d))) return undefined;
    return utc - zoneOffsetMs(zone);
  }
  match = slashDate.exec(text);
  if (match) {
    const [, a, b, y, h = '0', mi = '0', s = '0', meridiem] = match;
    const first = Number(a);
    const second = Number(b);
    // 3/4/2026 is March or April depending on who wrote it: refused rather than guessed.
    if (first !== second && first <= 12 && second <= 12) return undefined;
    const [month, day] = first > 12 ? [second, first] : [first, second];
    let hour = Number(h);
    if (meridiem) {
      if (hour < 1 || hour > 12) return undefined;
      hour = (hour % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
    }
    const utc = Date.UTC(Number(y), month - 1, day, hour, Number(mi), Number(s));
    return sameFields(utc, Number(y), month, day) ? utc : undefined;
  }
  if (rfc1123.test(text)) {
    const parsed = Date.parse(text);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/** Date.UTC rolls 31 February over into March; such a date is not one. */
function sameFields(utc: number, year: number, month: number, day: number): boolean {
  const date = new Date(utc);
  return !Number.isNaN(utc) && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
}
