import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** Reading and forging compact JWTs in tests, with node:crypto only. */
export interface DecodedJwt {
  header: Record<string, any>;
  payload: Record<string, any>;
  signingInput: string;
  signature: Buffer;
}

export function decodeJwt(token: string): DecodedJwt {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined) throw new Error(`not a JWT: ${token}`);
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** Verifies a JWT's signature with a public JWK as published in a JWKS. */
export function verifyWithJwk(token: string, jwk: Record<string, any>): boolean {
  const { header, signingInput, signature } = decodeJwt(token);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  return verify(digestFor(header.alg), Buffer.from(signingInput), signatureKey(header.alg, key), signature);
}

/** Signs header and payload with a private key (EdDSA, ES256 or RS256, as the header's alg says). */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, privateKey: KeyObject): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const alg = String(header.alg);
  const signature = sign(digestFor(alg), Buffer.from(input), signatureKey(alg, privateKey));
  return `${input}.${signature.toString('base64url')}`;
}

function digestFor(alg: string): string | null {
  return alg === 'EdDSA' ? null : 'sha256';
}

function signatureKey(alg: string, key: KeyObject) {
  return alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
}
