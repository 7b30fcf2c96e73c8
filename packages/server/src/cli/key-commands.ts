import { generateSigningKey, jwtAlgorithms, type JwtAlgorithm } from '../modules/oauth/signing-keys.js';
import type { Store } from '../store/store.js';
import { output, UsageError } from './usage.js';

/**
 * `keys rotate` adds a new signing key; running servers pick it up within 30 s (or at the first
 * token that names it) and the retired key keeps verifying until its tokens have expired.
 */
export async function keysCommand(store: Store, action: string | undefined, alg: string | undefined, json: boolean): Promise<void> {
  if (action === 'list') {
    const keys = (await store.signingKeys.list()).map((k) => ({
      kid: k.kid,
      alg: k.alg,
      createdAt: new Date(k.createdAt).toISOString(),
      retiredAt: k.retiredAt === null ? null : new Date(k.retiredAt).toISOString(),
    }));
    output(json, keys, keys.map((k) => `${k.kid} ${k.alg} ${k.retiredAt ? `retired ${k.retiredAt}` : 'signing'}`).join('\n'));
  } else if (action === 'rotate') {
    const chosen = (alg ?? (await store.signingKeys.list()).at(-1)?.alg ?? 'EdDSA') as JwtAlgorithm;
    if (!jwtAlgorithms.includes(chosen)) throw new UsageError(`--alg must be one of ${jwtAlgorithms.join(', ')}`);
    const key = generateSigningKey(chosen, Date.now());
    await store.signingKeys.add(key);
    output(json, { kid: key.kid, alg: key.alg }, `new signing key ${key.kid} (${key.alg})`);
  } else {
    throw new UsageError('usage: openmeshy keys list | rotate [--alg EdDSA|ES256|RS256]');
  }
}
