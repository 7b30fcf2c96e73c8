import { CLOCK_SKEW_SECONDS, type AccessTokenClaims } from './access-tokens.js';

const MAX_ENTRIES = 10_000;
/** However long a token lives, its signature is checked again after this long. */
const MAX_CACHE_MS = 5 * 60_000;

/**
 * Access tokens whose signature and claims were verified, by their exact text. A client sends
 * one token on many calls; checking an ES256 signature costs ~80 µs each time, a lookup almost
 * nothing. Expiry is still checked on every hit, and the user's active flag is the caller's
 * to check on every request, as before. Entries are bounded in number and in age.
 */
export class VerifiedTokenCache {
  private entries = new Map<string, { claims: AccessTokenClaims; issuer: string; until: number }>();

  get(token: string, issuer: string, nowMs: number): AccessTokenClaims | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until <= nowMs || entry.issuer !== issuer) {
      if (entry.until <= nowMs) this.entries.delete(token);
      return undefined;
    }
    return entry.claims;
  }

  set(token: string, issuer: string, claims: AccessTokenClaims, nowMs: number): void {
    if (this.entries.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: drop the oldest tenth.
      let drop = MAX_ENTRIES / 10;
      for (const key of this.entries.keys()) {
        if (drop-- <= 0) break;
        this.entries.delete(key);
      }
    }
    this.entries.set(token, { claims, issuer, until: Math.min((claims.exp + CLOCK_SKEW_SECONDS) * 1000, nowMs + MAX_CACHE_MS) });
  }
}
