import { sign, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/** A private key as the signing thread needs it (KeyObjects cross threads by postMessage). */
export interface SignKey {
  kid: string;
  /** The JWT's first segment for this key: base64url of its JOSE header. */
  header: string;
  digest: string | null;
  dsaEncoding?: 'ieee-p1363';
  privateKey: KeyObject;
}

/** Keys the thread has not been sent yet, then the jobs: each a JWT payload, as JSON. */
export interface SignBatch {
  keys: SignKey[];
  jobs: { id: number; kid: string; payload: string }[];
}
export type SignResult = { id: number; jwt: string } | { id: number; error: string };

/**
 * The JWT thread of signing-thread.ts. It assembles each compact JWS (encoding, signing) so the
 * event loop only writes the payload's JSON; one message in per batch, one out per token, so the
 * first callers do not wait for the whole batch.
 */
const keys = new Map<string, SignKey>();

function signJwt(id: number, kid: string, payload: string): SignResult {
  const key = keys.get(kid);
  if (!key) return { id, error: `unknown key ${kid}` };
  try {
    const input = `${key.header}.${Buffer.from(payload).toString('base64url')}`;
    const options = key.dsaEncoding ? { key: key.privateKey, dsaEncoding: key.dsaEncoding } : key.privateKey;
    return { id, jwt: `${input}.${sign(key.digest, Buffer.from(input), options).toString('base64url')}` };
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (batch: SignBatch) => {
  for (const key of batch.keys) keys.set(key.kid, key);
  for (const { id, kid, payload } of batch.jobs) parentPort!.postMessage(signJwt(id, kid, payload));
});
