import { randomUUID, verify, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm, LoadedKey } from './signing-keys.js';
import { SigningThread } from './signing-thread.js';
import type { SignKey } from './signing-worker.js';

/**
 * JWT access tokens (RFC 9068 profile), signed and verified with node:crypto directly.
 * Tokens are encoded and signed on a thread of their own (signing-thread.ts), which takes ~30 µs
 * a token off the event loop; passwords hash on other, low-priority threads, so a signature never
 * waits behind a hash. Verification stays inline and is cached (verified-token-cache.ts), and accepts
 * exactly one shape: our header, our algorithm for the named key.
 */
export const ACCESS_TOKEN_AUDIENCE = 'meshy.api';
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const CLOCK_SKEW_SECONDS = 30;
const MAX_TOKEN_LENGTH = 16 * 1024;

export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  client_id: string;
  scope: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  /** MeshyDB SDK profile claims. */
  id: string;
  given_name?: string;
  family_name?: string;
  role: string[];
  permission: string[];
  /**
   * The refresh family (login) the token was issued under, when it has one: a password change
   * ends every other login of the user and keeps this one. Knowing it forges nothing (a refresh
   * token is MACed).
   */
  sid?: string;
}

function signatureParams(alg: JwtAlgorithm): { digest: string | null; dsaEncoding?: 'ieee-p1363' } {
  if (alg === 'EdDSA') return { digest: null };
  if (alg === 'ES256') return { digest: 'sha256', dsaEncoding: 'ieee-p1363' };
  return { digest: 'sha256' };
}

const signingThread = new SigningThread();
const signKeys = new WeakMap<LoadedKey, SignKey>();

function signKeyOf(key: LoadedKey): SignKey {
  let signKey = signKeys.get(key);
  if (!signKey) {
    const header = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYPE })).toString('base64url');
    signKey = { kid: key.kid, header, ...signatureParams(key.alg), privateKey: key.privateKey };
    signKeys.set(key, signKey);
  }
  return signKey;
}

export function signAccessToken(key: LoadedKey, claims: Omit<AccessTokenClaims, 'jti' | 'aud'>): Promise<string> {
  return signingThread.signJwt(signKeyOf(key), JSON.stringify({ ...claims, aud: ACCESS_TOKEN_AUDIENCE, jti: randomUUID() }));
}

export type VerifyResult = { ok: true; claims: AccessTokenClaims } | { ok: false; why: string };

const segment = /^[A-Za-z0-9_-]+$/;

export async function verifyAccessToken(
  token: string,
  expected: { issuer: string; nowSeconds: number },
  keyFor: (kid: string) => Promise<LoadedKey | undefined>,
): Promise<VerifyResult> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, why: 'too long' };
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => segment.test(part))) return { ok: false, why: 'not a compact JWS' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseJson(headerPart);
  if (!header || typeof header.kid !== 'string' || typeof header.alg !== 'string') return { ok: false, why: 'bad header' };
  if (header.typ !== ACCESS_TOKEN_TYPE || header.crit !== undefined) return { ok: false, why: 'bad header' };
  const key = await keyFor(header.kid);
  // The algorithm comes from our key, never from the token: `alg: none` and key confusion fail here.
  if (!key || key.alg !== header.alg) return { ok: false, why: 'unknown key or algorithm' };
  if (!verifySignature(key.alg, key.publicKey, `${headerPart}.${payloadPart}`, signaturePart)) return { ok: false, why: 'bad signature' };
  const claims = parseJson(payloadPart) as Partial<AccessTokenClaims> | undefined;
  if (!claims) return { ok: false, why: 'bad payload' };
  if (claims.iss !== expected.issuer) return { ok: false, why: 'wrong issuer' };
  if (claims.aud !== ACCESS_TOKEN_AUDIENCE) return { ok: false, why: 'wrong audience' };
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS <= expected.nowSeconds) return { ok: false, why: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW_SECONDS > expected.nowSeconds) return { ok: false, why: 'not yet valid' };
  if (typeof claims.sub !== 'string' || typeof claims.client_id !== 'string') return { ok: false, why: 'missing subject' };
  return { ok: true, claims: claims as AccessTokenClaims };
}

function verifySignature(alg: JwtAlgorithm, publicKey: KeyObject, input: string, signaturePart: string): boolean {
  const { digest, dsaEncoding } = signatureParams(alg);
  try {
    return verify(digest, Buffer.from(input), dsaEncoding ? { key: publicKey, dsaEncoding } : publicKey, Buffer.from(signaturePart, 'base64url'));
  } catch {
    return false;
  }
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
