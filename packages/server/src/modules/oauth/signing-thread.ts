import { Worker } from 'node:worker_threads';
import type { SignBatch, SignKey, SignResult } from './signing-worker.js';

const workerUrl = new URL('./signing-worker.js', import.meta.url);

type Job = { id: number; key: SignKey; payload: string; resolve(jwt: string): void; reject(error: Error): void };

/**
 * Makes JWTs on one dedicated thread: the event loop hands over the payload's JSON and gets the
 * token back. Signing inline costs the event loop ~25 µs a token, and encoding it a few more.
 * libuv's thread pool (crypto.sign with a callback) takes the signature off the loop too, but each
 * job wakes a sleeping pool thread (a futex and, in a VM, an inter-processor interrupt), its four
 * threads preempt the event loop on a small machine, and it is shared with DNS lookups that can
 * hold its threads for seconds. Here the tokens asked for during one turn of the event loop go to
 * the thread as one message.
 */
export class SigningThread {
  private worker: Worker | undefined;
  /** kids the current thread has been sent; a new thread starts with none. */
  private knownKids = new Set<string>();
  private readonly waiting = new Map<number, Job>();
  private queued: Job[] = [];
  private nextId = 1;

  /** The compact JWT of `payload` (its JSON) under `key`. */
  signJwt(key: SignKey, payload: string): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => this.flush());
      this.queued.push({ id: this.nextId++, key, payload, resolve, reject });
    });
  }

  private flush(): void {
    const jobs = this.queued;
    this.queued = [];
    const worker = this.worker ?? this.start();
    const batch: SignBatch = { keys: [], jobs: [] };
    for (const job of jobs) {
      if (!this.knownKids.has(job.key.kid)) {
        this.knownKids.add(job.key.kid);
        batch.keys.push(job.key);
      }
      batch.jobs.push({ id: job.id, kid: job.key.kid, payload: job.payload });
      this.waiting.set(job.id, job);
    }
    worker.ref();
    worker.postMessage(batch);
  }

  private start(): Worker {
    // A small heap: the thread only turns short strings into signatures.
    const worker = new Worker(workerUrl, { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } });
    worker.on('message', (result: SignResult) => {
      const job = this.waiting.get(result.id);
      this.waiting.delete(result.id);
      // An idle signing thread does not keep the process alive.
      if (this.waiting.size === 0) worker.unref();
      if (!job) return;
      if ('jwt' in result) job.resolve(result.jwt);
      else job.reject(new Error(`signing failed: ${result.error}`));
    });
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const job of this.waiting.values()) job.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`signing thread exited with code ${code}`)));
    this.worker = worker;
    this.knownKids = new Set();
    return worker;
  }
}
