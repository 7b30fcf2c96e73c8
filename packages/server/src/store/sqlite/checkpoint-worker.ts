import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../../lib/thread-priority.js';

/**
 * The background checkpointer of checkpointer.ts: its own connection to the database, copying
 * what the WAL holds into the database file every few hundred milliseconds with a PASSIVE
 * checkpoint, which never waits for and never blocks the server's reads and writes. The fsyncs a
 * checkpoint needs happen here, off the event loop.
 */
// The lowest priority: a checkpoint may always wait, the event loop may not. If checkpoints fall
// behind, the server's connection still checkpoints at its threshold.
lowerThisThreadPriority(19);

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new Database(file, { fileMustExist: true });
// A checkpoint syncs the WAL before copying it and the database file after: safe as the server's own.
db.pragma('synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const timer = setInterval(() => {
  try {
    checkpoint.get();
  } catch (error) {
    // SQLITE_BUSY and the like: the next round tries again; the server's own checkpoints still bound the WAL.
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}, intervalMs);

parentPort?.on('message', (message: string) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
