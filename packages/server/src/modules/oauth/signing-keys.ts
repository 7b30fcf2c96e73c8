import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { SigningKey } from './types.js';

export type JwtAlgorithm = SigningKey['alg'];
export const jwtAlgorithms: JwtAlgorithm[] = ['EdDSA', 'ES256', 'RS256'];

/** Makes a new key pair; kid is its RFC 7638 thumbprint, so it names the key itself. */
export function generateSigningKey(alg: JwtAlgorithm, now: number): SigningKey {
  const { privateKey, publicKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const kid = thumbprint(jwk);
  return {
    kid,
    alg,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
    createdAt: now,
    retiredAt: null,
  };
}

function thumbprint(jwk: Record<string, string>): string {
  const members: Record<string, string[]> = { OKP: ['crv', 'kty', 'x'], EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'] };
  const required = members[jwk.kty!] ?? [];
  const canonical = JSON.stringify(Object.fromEntries(required.map((name) => [name, jwk[name]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

export interface LoadedKey {
  kid: string;
  alg: JwtAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: Record<string, string>;
  retiredAt: number | null;
}

export function loadKey(key: SigningKey): LoadedKey {
  const privateKey = createPrivateKey(key.privateKeyPem);
  return { kid: key.kid, alg: key.alg, privateKey, publicKey: createPublicKey(privateKey), publicJwk: key.publicJwk, retiredAt: key.retiredAt };
}
