import { Worker } from 'node:worker_threads';
import { ApiError } from '../../errors.js';
import type { EngineJob, EngineOutcome } from './engine-job.js';

const workerUrl = new URL('./engine-worker.js', import.meta.url);

export interface EnginePoolOptions {
  /** Threads, each running one pipeline at a time. */
  readonly threads: number;
  /** Heap of each thread, in MB: a pipeline past it ends the thread, and the request is a 429. */
  readonly heapMb: number;
  /** How long one run may take before its thread is ended (429). */
  readonly timeoutMs: number;
  /** Runs waiting beyond this are refused (429 projection_busy, with Retry-After) rather than queued. */
  readonly maxQueued: number;
}

interface Waiting {
  readonly job: EngineJob;
  resolve(outcome: EngineOutcome): void;
  reject(error: Error): void;
}

interface Thread {
  readonly worker: Worker;
  /** The thread has loaded the engine: its runs' time counts from here, not from its start. */
  ready: boolean;
  running?: { id: number; waiting: Waiting; timer: NodeJS.Timeout };
}

/**
 * Worker threads that run the engine part of projections off the event loop. A thread that runs
 * out of heap or time is ended and replaced: whatever a stored pipeline does, the server goes on
 * answering, and the caller gets MeshyDB's 429 sentence with the limit's own code.
 */
export class EnginePool {
  private readonly threads: Thread[] = [];
  private readonly queue: Waiting[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: EnginePoolOptions) {}

  run(job: EngineJob): Promise<EngineOutcome> {
    if (this.closed) return Promise.reject(new ApiError('shutting_down'));
    if (this.queue.length >= this.options.maxQueued) return Promise.reject(new ApiError('projection_busy', { headers: { 'retry-after': '1' } }));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.queue.splice(0)) waiting.reject(new ApiError('shutting_down'));
    const threads = this.threads.splice(0);
    for (const thread of threads) this.fail(thread, new ApiError('shutting_down'));
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.threads.find((t) => t.ready && !t.running);
      if (!thread) {
        // A new thread takes the queue once it has loaded (its 'ready' message).
        if (this.threads.length < this.options.threads) this.spawn();
        return;
      }
      const waiting = this.queue.shift()!;
      const id = this.nextId++;
      const timer = setTimeout(() => this.fail(thread, new ApiError('projection_time_limit')), this.options.timeoutMs);
      thread.running = { id, waiting, timer };
      thread.worker.ref();
      thread.worker.postMessage({ id, job: waiting.job });
    }
  }

  private spawn(): Thread {
    const worker = new Worker(workerUrl, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, this.options.heapMb / 8)) },
    });
    const thread: Thread = { worker, ready: false };
    worker.on('message', (message: { id: number; outcome: EngineOutcome } | { ready: true }) => {
      if ('ready' in message) {
        thread.ready = true;
        // Referenced while it loads (a run waits for it); idle threads do not keep the process alive.
        worker.unref();
        this.dispatch();
        return;
      }
      const running = thread.running;
      if (!running || running.id !== message.id) return;
      clearTimeout(running.timer);
      thread.running = undefined;
      worker.unref();
      running.waiting.resolve(message.outcome);
      this.dispatch();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      this.fail(thread, error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new ApiError('projection_memory_limit') : error);
    });
    worker.on('exit', () => this.fail(thread, new Error('projection thread exited')));
    this.threads.push(thread);
    return thread;
  }

  /** Ends the thread and its run; the next run gets a fresh thread. */
  private fail(thread: Thread, error: Error): void {
    const index = this.threads.indexOf(thread);
    if (index !== -1) this.threads.splice(index, 1);
    const running = thread.running;
    thread.running = undefined;
    if (running) {
      clearTimeout(running.timer);
      running.waiting.reject(error);
    }
    void thread.worker.terminate();
    if (!this.closed) this.dispatch();
  }
}
