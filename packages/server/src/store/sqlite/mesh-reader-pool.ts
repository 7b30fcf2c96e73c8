import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { QueryError } from '../../query/query-error.js';
import type { QueryDocumentKind } from '../../query/tree.js';
import type { SearchAnswer, SearchRequest } from './mesh-queries.js';

const workerUrl = new URL('./mesh-reader-worker.js', import.meta.url);

interface WorkerError {
  name?: string;
  message: string;
  code?: string;
  document?: QueryDocumentKind;
  detail?: string;
}

/** An error from a reader thread as the caller would have met it on this one: a QueryError stays one (a 400, not a 500). */
function rebuilt(error: WorkerError | undefined): Error {
  if (error?.name === 'QueryError' && error.document !== undefined && error.detail !== undefined) return new QueryError(error.document, error.detail);
  return Object.assign(new Error(error?.message ?? 'search failed'), { name: error?.name ?? 'Error', code: error?.code });
}

export const DEFAULT_MESH_READERS = 2;

interface Job {
  readonly request: SearchRequest;
  resolve(answer: SearchAnswer): void;
  reject(error: Error): void;
}

interface Reader {
  readonly worker: Worker;
  job: { id: number; job: Job } | undefined;
}

/**
 * Searches off the event loop: a few reader threads (mesh-reader-worker.ts), each with its own
 * read-only connection, started at the first search. A search waits in line when every reader is
 * busy, so `size` bounds the CPU searches take from the event loop's core.
 */
export class MeshReaderPool {
  private readers: Reader[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly file: string, private readonly size = DEFAULT_MESH_READERS) {}

  search(request: SearchRequest): Promise<SearchAnswer> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.readers.length < this.size && this.queue.length > 0 && this.readers.every((reader) => reader.job)) this.readers.push(this.start());
    for (const reader of this.readers) {
      if (reader.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      reader.job = { id: this.nextId++, job };
      // Held alive while it works for a caller; idle, it never keeps the process alive by itself.
      reader.worker.ref();
      reader.worker.postMessage({ id: reader.job.id, request: job.request });
    }
  }

  private start(): Reader {
    const worker = new Worker(workerUrl, { workerData: { file: this.file } });
    const reader: Reader = { worker, job: undefined };
    worker.unref();
    worker.on('message', (message: { id: number; answer?: SearchAnswer; error?: WorkerError }) => {
      const current = reader.job;
      if (!current || current.id !== message.id) return;
      reader.job = undefined;
      worker.unref();
      if (message.answer) current.job.resolve(message.answer);
      else current.job.reject(rebuilt(message.error));
      this.dispatch();
    });
    const fail = (error: Error) => {
      this.readers = this.readers.filter((r) => r !== reader);
      reader.job?.job.reject(error);
      reader.job = undefined;
      if (!this.closed) this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a mesh reader thread exited (${code})`)));
    return reader;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the store is closed'));
    await Promise.all(
      this.readers.map(async (reader) => {
        const exited = once(reader.worker, 'exit');
        // Held alive until it has closed its connection.
        reader.worker.ref();
        reader.worker.postMessage('stop');
        await exited;
      }),
    );
    this.readers = [];
  }
}
