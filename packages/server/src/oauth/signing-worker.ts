import { sign, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/** A private key as the signing thread needs it: KeyObjects cross threads by postMessage. */
export interface SignKey {
  kid: string;
  digest: string | null;
  dsaEncoding?: 'ieee-p1363';
  privateKey: KeyObject;
}

/** Keys the thread has not been sent yet, then the jobs, signed in order. */
export interface SignBatch {
  keys: SignKey[];
  jobs: { id: number; kid: string; input: string }[];
}
export type SignResult = { id: number; signature: string } | { id: number; error: string };

/**
 * The JWT-signing thread of signing-thread.ts: one message in per batch, one out per signature,
 * so the first callers do not wait for the whole batch to be signed.
 */
const keys = new Map<string, SignKey>();

function signOne(id: number, kid: string, input: string): SignResult {
  const key = keys.get(kid);
  if (!key) return { id, error: `unknown key ${kid}` };
  try {
    const options = key.dsaEncoding ? { key: key.privateKey, dsaEncoding: key.dsaEncoding } : key.privateKey;
    return { id, signature: sign(key.digest, Buffer.from(input), options).toString('base64url') };
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (batch: SignBatch) => {
  for (const key of batch.keys) keys.set(key.kid, key);
  for (const { id, kid, input } of batch.jobs) parentPort!.postMessage(signOne(id, kid, input));
});
