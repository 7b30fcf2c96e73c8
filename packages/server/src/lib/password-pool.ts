import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../errors.js';
import type { HashJob, HashRequest, HashResult } from './password-worker.js';

/** Beyond this many hashes waiting, new password work is refused (503) rather than queued. */
const MAX_PENDING = 512;
const POOL_SIZE = Math.max(1, Math.min(4, os.availableParallelism()));
const workerUrl = new URL('./password-worker.js', import.meta.url);

type Pending = { resolve(value: string | boolean): void; reject(error: Error): void };

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Worker threads that hash passwords at low priority (see password-worker.ts). Workers start
 * on first use and do not keep the process alive while idle.
 */
class PasswordPool {
  private workers: PoolWorker[] = [];
  private nextId = 1;

  run(job: HashRequest): Promise<string | boolean> {
    const pendingTotal = this.workers.reduce((sum, w) => sum + w.pending.size, 0);
    if (pendingTotal >= MAX_PENDING) return Promise.reject(new ApiError('busy', { headers: { 'retry-after': '1' } }));
    const target = this.pick();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      target.worker.ref();
      target.worker.postMessage({ ...job, id } satisfies HashJob);
    });
  }

  private pick(): PoolWorker {
    if (this.workers.length < POOL_SIZE && this.workers.every((w) => w.pending.size > 0)) return this.spawn();
    return this.workers.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
  }

  private spawn(): PoolWorker {
    const entry: PoolWorker = { worker: new Worker(workerUrl), pending: new Map() };
    entry.worker.on('message', (result: HashResult) => {
      const waiting = entry.pending.get(result.id);
      entry.pending.delete(result.id);
      if (entry.pending.size === 0) entry.worker.unref();
      if (!waiting) return;
      if (result.ok) waiting.resolve(result.value);
      else waiting.reject(new Error(`password hashing failed: ${result.error}`));
    });
    const fail = (error: Error) => {
      this.workers = this.workers.filter((w) => w !== entry);
      for (const waiting of entry.pending.values()) waiting.reject(error);
      entry.pending.clear();
    };
    entry.worker.on('error', fail);
    entry.worker.on('exit', (code) => fail(new Error(`password worker exited with ${code}`)));
    entry.worker.unref();
    this.workers.push(entry);
    return entry;
  }
}

export const passwordPool = new PasswordPool();
