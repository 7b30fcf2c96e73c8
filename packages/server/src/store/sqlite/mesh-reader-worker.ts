import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { MeshStatements, search, type SearchRequest } from './mesh-queries.js';

/**
 * One reader thread of mesh-reader-pool.ts: its own read-only connection on the WAL database, so
 * a search (SQL, re-check, sort) runs here while the event loop serves other requests and the
 * writer commits. Each search is one read transaction (mesh-queries.ts `search`).
 */
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
    const e = error as { name?: string; message?: string; code?: string; document?: string };
    parentPort!.postMessage({ id: message.id, error: { name: e.name, message: e.message ?? String(error), code: e.code } });
  }
});
