import { randomBytes } from 'node:crypto';
import { hmacSha256, safeEqual } from '../../lib/secrets.js';

/**
 * Refresh tokens are opaque to clients but not stored anywhere: a token is
 *   base64url( version 0x01 | family id (16 random bytes) | generation (uint32) | HMAC-SHA256 )
 * with the HMAC under the server secret. The store keeps only the family's current generation, so
 * a leaked database holds nothing that can be presented, and the successor of a just-spent token
 * can be handed out again, identical, to a racing caller (as supabase/auth's session tokens do).
 */
const VERSION = 1;
const FAMILY_BYTES = 16;
const MAC_BYTES = 32;
const TOKEN_BYTES = 1 + FAMILY_BYTES + 4 + MAC_BYTES;
const TOKEN_CHARS = Math.ceil((TOKEN_BYTES * 4) / 3);
const domain = Buffer.from('openmeshy refresh token v1');

export interface DecodedRefreshToken {
  familyId: string;
  generation: number;
}

export function newFamilyId(): string {
  return randomBytes(FAMILY_BYTES).toString('base64url');
}

export function encodeRefreshToken(secret: Buffer, familyId: string, generation: number): string {
  const body = Buffer.alloc(1 + FAMILY_BYTES + 4);
  body[0] = VERSION;
  Buffer.from(familyId, 'base64url').copy(body, 1);
  body.writeUInt32BE(generation, 1 + FAMILY_BYTES);
  return Buffer.concat([body, hmacSha256(secret, domain, body)]).toString('base64url');
}

/** Returns undefined for anything that is not a token this server minted. */
export function decodeRefreshToken(secret: Buffer, token: string): DecodedRefreshToken | undefined {
  if (token.length !== TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== TOKEN_BYTES || raw[0] !== VERSION) return undefined;
  // The last character carries spare bits that decoding ignores: only the canonical spelling is
  // a token we minted, so no second string ever stands for the same token.
  if (raw.toString('base64url') !== token) return undefined;
  const body = raw.subarray(0, 1 + FAMILY_BYTES + 4);
  const mac = raw.subarray(1 + FAMILY_BYTES + 4);
  if (!safeEqual(mac, hmacSha256(secret, domain, body))) return undefined;
  return {
    familyId: body.subarray(1, 1 + FAMILY_BYTES).toString('base64url'),
    generation: body.readUInt32BE(1 + FAMILY_BYTES),
  };
}
