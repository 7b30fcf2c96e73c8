import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../../lib/thread-priority.js';
import { MeshStatements, search, type SearchRequest } from './mesh-queries.js';

/**
 * One reader thread of mesh-reader-pool.ts: its own read-only connection on the WAL database, so
 * a search (SQL, re-check, sort) runs here while the event loop serves other requests and the
 * writer commits. Each search is one read transaction (mesh-queries.ts `search`).
 */
// Below the event loop: a long scan may take every core the event loop leaves, never the event
// loop's own (GET users/me stays fast while clients scan). Not the lowest, which checkpoints have.
lowerThisThreadPriority(10);

const { file } = workerData as { file: string };
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const statements = new MeshStatements(db);

parentPort!.on('message', (message: { id: number; request: SearchRequest } | 'stop') => {
  if (message === 'stop') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    parentPort!.postMessage({ id: message.id, answer: search(statements, message.request) });
  } catch (error) {
    const e = error as { name?: string; message?: string; code?: string; document?: string; detail?: string };
    parentPort!.postMessage({ id: message.id, error: { name: e.name, message: e.message ?? String(error), code: e.code, document: e.document, detail: e.detail } });
  }
});
