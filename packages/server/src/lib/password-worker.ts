import { parentPort } from 'node:worker_threads';
import { Algorithm, hashSync, verifySync } from '@node-rs/argon2';
import { lowerThisThreadPriority } from './thread-priority.js';

/**
 * A password-hashing thread. It lowers its own scheduling priority first (on Linux nice is per
 * thread), so under load the event loop that serves API calls and refreshes always wins the CPU
 * and password grants take what is left: a burst of logins slows logins, not everything else.
 */
lowerThisThreadPriority(10);

const options = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export type HashRequest = { op: 'hash'; password: string } | { op: 'verify'; password: string; hash: string };
export type HashJob = HashRequest & { id: number };
export type HashResult = { id: number; ok: true; value: string | boolean } | { id: number; ok: false; error: string };

parentPort?.on('message', (job: HashJob) => {
  let result: HashResult;
  try {
    if (job.op === 'hash') result = { id: job.id, ok: true, value: hashSync(job.password, options) };
    else result = { id: job.id, ok: true, value: verifySafely(job.hash, job.password) };
  } catch (error) {
    result = { id: job.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(result);
});

function verifySafely(hash: string, password: string): boolean {
  try {
    return verifySync(hash, password);
  } catch {
    return false;
  }
}
