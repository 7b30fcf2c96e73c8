import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { newObjectId } from '../../src/lib/ids.js';
import type { StoredDocument } from '../../src/modules/meshes/store.js';
import { parseFilter } from '../../src/query/parse.js';
import type { JsonObject } from '../../src/query/tree.js';
import { UniqueViolation } from '../../src/store/errors.js';
import { SQLITE_FILE, SqliteConnection } from '../../src/store/sqlite/connection.js';
import { SqliteMeshStore } from '../../src/store/sqlite/meshes.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const budget = { maxScan: 1_000_000 };
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function stored(document: JsonObject): StoredDocument {
  return { id: document['_id'] as string, json: JSON.stringify(document) };
}

/**
 * How many commits the WAL holds from byte `from` on (a frame boundary): each frame is a 24-byte
 * header and a page, and a commit's last frame is the one whose header gives the database's size
 * in pages (bytes 4-7), zero in every other frame (sqlite.org/fileformat.html, "WAL file format").
 */
function commitFrames(walFile: string, pageSize: number, from: number): number {
  const wal = fs.readFileSync(walFile);
  let commits = 0;
  for (let offset = from; offset + 24 + pageSize <= wal.length; offset += 24 + pageSize) if (wal.readUInt32BE(offset + 4) !== 0) commits++;
  return commits;
}

/** The mesh store over a connection of the test's own, as SqliteStore builds it, so a test can reach the database beneath. */
function openMeshes(dir: string) {
  const connection = SqliteConnection.open(dir);
  const meshes = new SqliteMeshStore(connection, { readers: 1 });
  return {
    db: connection.db,
    meshes,
    close: async () => {
      await meshes.closeReaders();
      await connection.close();
    },
  };
}

/** Inserts of one event-loop turn are committed together (turn-batch.ts), each standing alone. */
describe('SQLite mesh inserts committed per event-loop turn', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-insert-batch-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  let dirs = 0;
  const freshDir = () => path.join(root, String(dirs++));
  const account = newObjectId();

  test('the creates of one turn are one commit in the WAL; the same creates one after another are one commit each', async () => {
    const dir = freshDir();
    const { db, meshes, close } = openMeshes(dir);
    try {
      const wal = path.join(dir, `${SQLITE_FILE}-wal`);
      await meshes.insert(account, 'wal', [stored({ _id: newObjectId(), warm: true })]);
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const count = 20;

      let start = fs.statSync(wal).size;
      for (let n = 0; n < count; n++) await meshes.insert(account, 'wal', [stored({ _id: newObjectId(), n })]);
      assert.equal(commitFrames(wal, pageSize, start), count);

      start = fs.statSync(wal).size;
      await Promise.all(Array.from({ length: count }, (_, n) => meshes.insert(account, 'wal', [stored({ _id: newObjectId(), n })])));
      assert.equal(commitFrames(wal, pageSize, start), 1);
      assert.equal((await meshes.search(account, 'wal', { offset: 0, limit: 100 }, budget)).totalRecords, 1 + 2 * count);
    } finally {
      await close();
    }
  });

  test('of two inserts of one id in a turn the first wins, as if they had come one after the other', async () => {
    const { meshes, close } = openMeshes(freshDir());
    try {
      const id = newObjectId();
      const first = stored({ _id: id, rival: 'first' });
      const [won, lost] = await Promise.allSettled([meshes.insert(account, 'rivals', [first]), meshes.insert(account, 'rivals', [stored({ _id: id, rival: 'second' })])]);
      assert.equal(won!.status, 'fulfilled');
      assert.ok(lost!.status === 'rejected' && lost.reason instanceof UniqueViolation && lost.reason.field === 'mesh id');
      assert.deepEqual(await meshes.get(account, 'rivals', id), first);
    } finally {
      await close();
    }
  });

  test('a batch whose transaction fails half-way (the disk full) stores none of its inserts, and forgets the shapes it brought', async () => {
    const { db, meshes, close } = openMeshes(freshDir());
    try {
      await meshes.insert(account, 'full', [stored({ _id: newObjectId(), tags: 'blue' })]);
      // No page beyond those the file has: a document needing pages of its own fails with SQLITE_FULL.
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      const small = stored({ _id: newObjectId(), tags: ['red'] });
      const large = stored({ _id: newObjectId(), payload: 'x'.repeat(200_000) });
      const after = stored({ _id: newObjectId(), tags: 'green' });
      // The large one goes to another mesh: what forgets the first mesh's shapes is the batch's failure, not its own.
      const batch = [['full', small], ['full-other', large], ['full', after]] as const;
      const outcomes = await Promise.allSettled(batch.map(([mesh, doc]) => meshes.insert(account, mesh, [doc])));
      for (const outcome of outcomes) assert.ok(outcome.status === 'rejected' && (outcome.reason as { code?: string }).code === 'SQLITE_FULL', JSON.stringify(outcome));
      db.pragma('max_page_count = 1073741823');
      for (const [mesh, doc] of batch) assert.equal(await meshes.get(account, mesh, doc.id), undefined);

      // The rolled-back batch had taught the shape cache that tags held an array; had it kept
      // that, this insert would not record it and { tags: 'red' } would miss the array.
      const red = stored({ _id: newObjectId(), tags: ['red'] });
      await meshes.insert(account, 'full', [red]);
      const found = await meshes.search(account, 'full', { filter: parseFilter("{ tags: 'red' }"), offset: 0, limit: 10 }, budget);
      assert.deepEqual(found.results, [red]);
    } finally {
      await close();
    }
  });

  test('a batch that cannot begin (another connection holds the write lock) rejects every insert; the next batch commits', async () => {
    const dir = freshDir();
    const { db, meshes, close } = openMeshes(dir);
    const other = new Database(path.join(dir, SQLITE_FILE));
    try {
      db.pragma('busy_timeout = 20');
      other.exec('BEGIN IMMEDIATE');
      const documents = [stored({ _id: newObjectId() }), stored({ _id: newObjectId() })];
      const outcomes = await Promise.allSettled([meshes.insert(account, 'busy', [documents[0]!]), meshes.insert(account, 'busy', [documents[1]!])]);
      for (const outcome of outcomes) assert.ok(outcome.status === 'rejected' && (outcome.reason as { code?: string }).code === 'SQLITE_BUSY', JSON.stringify(outcome));
      other.exec('ROLLBACK');
      for (const doc of documents) assert.equal(await meshes.get(account, 'busy', doc.id), undefined);
      await Promise.all(documents.map((doc) => meshes.insert(account, 'busy', [doc])));
      for (const doc of documents) assert.deepEqual(await meshes.get(account, 'busy', doc.id), doc);
    } finally {
      other.close();
      await close();
    }
  });

  test('an insert alone commits at the end of its turn, before the next', async () => {
    const { meshes, close } = openMeshes(freshDir());
    try {
      const doc = stored({ _id: newObjectId() });
      let settled = false;
      const outcome = meshes.insert(account, 'alone', [doc]).then(() => (settled = true));
      assert.equal(await meshes.get(account, 'alone', doc.id), undefined, 'not before the turn ends');
      await nextTurn();
      await outcome;
      assert.equal(settled, true);
      assert.deepEqual(await meshes.get(account, 'alone', doc.id), doc);
    } finally {
      await close();
    }
  });

  test('inserts asked for just before the store closes are committed, not lost', async () => {
    const dir = freshDir();
    const store = SqliteStore.open(dir);
    const documents = [stored({ _id: newObjectId(), n: 1 }), stored({ _id: newObjectId(), n: 2 })];
    const outcomes = documents.map((doc) => store.meshes.insert(account, 'closing', [doc]));
    await store.close();
    await Promise.all(outcomes);
    const reopened = SqliteStore.open(dir);
    try {
      for (const doc of documents) assert.deepEqual(await reopened.meshes.get(account, 'closing', doc.id), doc);
    } finally {
      await reopened.close();
    }
  });
});
