import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { newObjectId } from '../../src/lib/ids.js';
import { usernameKey } from '../../src/lib/usernames.js';
import { parseFilter, parseOrderBy, parseUpdate } from '../../src/query/parse.js';
import { indexKeyExpression } from '../../src/query/sql/compile.js';
import { shapesOf } from '../../src/query/sql/shapes.js';
import type { JsonObject } from '../../src/query/tree.js';
import { UniqueViolation } from '../../src/store/errors.js';
import { sqlIndexName } from '../../src/store/mesh-queries.js';
import { assumedIndexStat, meshIndexDdl, meshRowsCondition } from '../../src/store/sqlite/mesh-indexes.js';
import { migrate, migrations } from '../../src/store/sqlite/migrations.js';
import { SQLITE_FILE, SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/**
 * SQLite mesh indexes are partial, over their own mesh's rows (mesh-indexes.ts): what the
 * database holds, counted without the planner (dbstat reads the b-tree pages), and what a store
 * made before migration 8 holds after it.
 */

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-partial-'));
}

const stored = (document: JsonObject) => ({ id: document['_id'] as string, json: JSON.stringify(document) });

/** Entries of one index's b-tree: in an index b-tree every cell, interior or leaf, is one entry. */
function indexEntries(db: Database.Database, sqlName: string): number {
  return db.prepare('SELECT coalesce(sum(ncell), 0) FROM dbstat WHERE name = ?').pluck().get(sqlName) as number;
}

test('writes to meshes without indexes add no entry to any mesh index; writes to the indexed mesh add theirs', async () => {
  const dir = tempDir();
  const store = SqliteStore.open(dir);
  const owner = newObjectId();
  const neighbour = newObjectId();
  const db = new Database(path.join(dir, SQLITE_FILE), { readonly: true });
  try {
    const byAB = { name: 'corpus_a_b', mesh: 'corpus', paths: ['a', 'b'], unique: false, createdAt: Date.now() };
    const byEmail = { name: 'corpus_email', mesh: 'corpus', paths: ['email'], unique: true, createdAt: Date.now() };
    await store.meshes.createIndex(owner, byAB);
    await store.meshes.createIndex(owner, byEmail);
    const names = [sqlIndexName(owner, byAB.name), sqlIndexName(owner, byEmail.name)];
    // The index the database holds is the one the DDL says, partial on the owner's corpus.
    for (const [n, index] of [byAB, byEmail].entries()) {
      assert.equal(db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?").pluck().get(names[n]), meshIndexDdl(owner, index));
    }
    const documents = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ _id: newObjectId(), a: i % 7, b: i, email: `${tag}${i}@x` }));
    await store.meshes.insert(owner, 'corpus', documents(100, 'c').map(stored));
    assert.deepEqual(names.map((name) => indexEntries(db, name)), [100, 100]);

    await store.meshes.insert(owner, 'other', documents(300, 'o').map(stored));
    await store.meshes.insert(neighbour, 'corpus', documents(300, 'n').map(stored));
    await Promise.all(documents(50, 's').map((document) => store.meshes.insert(owner, 'singles', [stored(document)])));
    await store.meshes.updateMany(owner, 'other', undefined, parseUpdate('{ $inc: { a: 1 } }')!, Date.now(), { maxScan: 1_000_000 });
    assert.equal(await store.meshes.deleteMany(neighbour, 'corpus', parseFilter('{ a: 3 }'), { maxScan: 1_000_000 }), 43);
    assert.deepEqual(names.map((name) => indexEntries(db, name)), [100, 100], 'other meshes, other accounts: no entries');

    await store.meshes.insert(owner, 'corpus', [stored({ _id: newObjectId(), a: 1, b: -1, email: 'new@x' })]);
    assert.deepEqual(names.map((name) => indexEntries(db, name)), [101, 101]);
    // The same count through the planner: the index holds exactly the mesh's rows.
    const viaIndex = db.prepare(`SELECT count(*) FROM mesh_documents INDEXED BY ${names[0]} WHERE ${meshRowsCondition(owner, 'corpus')}`).pluck().get();
    assert.equal(viaIndex, 101);
  } finally {
    db.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('migration 8: a store whose mesh indexes covered every mesh has them rebuilt partial, still unique, still used, with their planner figures', async () => {
  const dir = tempDir();
  const owner = newObjectId();
  const people = Array.from({ length: 600 }, (_, i) => ({ _id: newObjectId(Date.now() + i), email: `p${i}@x`, a: i % 20, b: (i * 37) % 600 }));
  const others = Array.from({ length: 300 }, (_, i) => ({ _id: newObjectId(Date.now() + i), email: `o${i}@x`, a: i % 20, b: i }));
  const byEmail = { name: 'people_email', mesh: 'people', paths: ['email'], unique: true };
  const byAB = { name: 'people_a_b', mesh: 'people', paths: ['a', 'b'], unique: false };
  try {
    // A database at version 7, written as the store wrote it then: rows, shapes, index records,
    // and indexes over every row of mesh_documents with the figures createIndex gave them.
    const held = migrations.findIndex((m) => m.version === 8);
    const [eight] = migrations.splice(held, 1);
    try {
      const db = new Database(path.join(dir, SQLITE_FILE));
      db.function('openmeshy_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? usernameKey(text) : text));
      migrate(db);
      const insert = db.prepare('INSERT INTO mesh_documents (account_id, mesh, id, doc) VALUES (?, ?, ?, ?)');
      const shape = db.prepare('INSERT INTO mesh_shapes (account_id, mesh, path, bits) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET bits = bits | excluded.bits');
      db.transaction(() => {
        for (const [mesh, documents] of [['people', people], ['other', others]] as const) {
          for (const document of documents) {
            insert.run(owner, mesh, document._id, JSON.stringify(document));
            for (const [shapePath, bits] of shapesOf(document)) shape.run(owner, mesh, shapePath, bits);
          }
        }
        for (const index of [byEmail, byAB]) {
          db.prepare('INSERT INTO mesh_indexes (account_id, name, mesh, paths, is_unique, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(owner, index.name, index.mesh, JSON.stringify(index.paths), +index.unique, 1);
          const keys = index.paths.map((p) => indexKeyExpression('sqlite', 'doc', p)).join(', ');
          db.exec(`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${sqlIndexName(owner, index.name)} ON mesh_documents (account_id, mesh, ${keys}${index.unique ? '' : ', id'})`);
        }
        db.exec('ANALYZE sqlite_schema');
        db.prepare("INSERT INTO sqlite_stat1 VALUES ('mesh_documents', 'mesh_documents_id', '1000000 10000 1000 1')").run();
        db.prepare("INSERT INTO sqlite_stat1 VALUES ('mesh_documents', ?, '1000000 10000 1000 1')").run(sqlIndexName(owner, byEmail.name));
        db.prepare("INSERT INTO sqlite_stat1 VALUES ('mesh_documents', ?, '1000000 10000 1000 10 10 1')").run(sqlIndexName(owner, byAB.name));
      })();
      assert.equal(indexEntries(db, sqlIndexName(owner, byEmail.name)), 900, 'the old index holds every mesh');
      db.close();
    } finally {
      migrations.splice(held, 0, eight!);
    }

    const store = SqliteStore.open(dir);
    const db = new Database(path.join(dir, SQLITE_FILE), { readonly: true });
    try {
      assert.ok(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 8').get());
      for (const index of [byEmail, byAB]) {
        const sqlName = sqlIndexName(owner, index.name);
        assert.equal(db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?").pluck().get(sqlName), meshIndexDdl(owner, index));
        assert.equal(indexEntries(db, sqlName), people.length, `${index.name} holds its mesh alone`);
        assert.equal(db.prepare('SELECT stat FROM sqlite_stat1 WHERE idx = ?').pluck().get(sqlName), assumedIndexStat(index));
      }
      assert.equal(db.prepare("SELECT stat FROM sqlite_stat1 WHERE idx = 'mesh_documents_id'").pluck().get(), '1000000 10000 1000 1');

      // Still unique in its mesh, and no longer in the other.
      await assert.rejects(store.meshes.insert(owner, 'people', [stored({ _id: newObjectId(), email: 'p7@x' })]), UniqueViolation);
      await store.meshes.insert(owner, 'other', [stored({ _id: newObjectId(), email: 'o7@x' }), stored({ _id: newObjectId(), email: 'p7@x' })]);

      // Still used: within a budget of 0, answered wholly in SQL.
      const filter = parseFilter('{ a: 7 }');
      const sort = parseOrderBy('{ b: 1 }');
      const page = await store.meshes.search(owner, 'people', { filter, sort, offset: 0, limit: 5 }, { maxScan: 0 });
      assert.deepEqual(page.plan, { sqlOnly: true, indexed: true });
      const expected = people.filter((d) => d.a === 7).sort((x, y) => x.b - y.b);
      assert.equal(page.totalRecords, expected.length);
      assert.deepEqual(page.results.map((r) => r.id), expected.slice(0, 5).map((d) => d._id));
      const one = await store.meshes.search(owner, 'people', { filter: parseFilter('{ email: "p42@x" }'), offset: 0, limit: 5 }, { maxScan: 0 });
      assert.deepEqual([one.plan.indexed, one.results.map((r) => r.id)], [true, [people[42]!._id]]);
      // The other mesh has no index of its own: refused within a budget of 0, as any scan.
      await assert.rejects(store.meshes.search(owner, 'other', { filter, offset: 0, limit: 5 }, { maxScan: 0 }), { name: 'ScanBudgetExceeded' });
    } finally {
      db.close();
      await store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
