import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const workerUrl = new URL('./checkpoint-worker.js', import.meta.url);

/** How often the background thread checkpoints. */
export const BACKGROUND_CHECKPOINT_MS = 200;
/**
 * With a background checkpointer, the server's own connection checkpoints only past this many WAL
 * pages (~40 MiB), instead of SQLite's 1,000: the background thread copies the pages, but only a
 * checkpoint that catches up with a writer lets the WAL start over, and under steady writes that
 * is the writer's own.
 */
export const SERVING_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Moves SQLite's WAL checkpoints off the event loop. A checkpoint copies the WAL's pages into the
 * database file and fsyncs both; run by the server's connection after a commit (SQLite's default,
 * every 1,000 pages), it held the event loop 5–15 ms about ten times a second under refresh load,
 * which set the p99 latency.
 */
export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<unknown>;

  private lastError = { message: '', at: 0 };

  constructor(file: string, private readonly onError: (message: string) => void) {
    this.worker = new Worker(workerUrl, { workerData: { file, intervalMs: BACKGROUND_CHECKPOINT_MS } });
    this.exited = once(this.worker, 'exit');
    this.worker.on('message', (message: { error?: string }) => message.error && this.report(message.error));
    this.worker.on('error', (error) => this.report(error.message));
    // It works for the server while the server runs; it never keeps the process alive by itself.
    this.worker.unref();
  }

  /** A failure that repeats every round (a full disk) is reported once a minute, not five times a second. */
  private report(message: string): void {
    const now = Date.now();
    if (message === this.lastError.message && now - this.lastError.at < 60_000) return;
    this.lastError = { message, at: now };
    this.onError(message);
  }

  async stop(): Promise<void> {
    // Held alive until it has closed its connection: a shutdown waits for a checkpoint under way.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
