import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { newObjectId } from '../../src/lib/ids.js';
import { parseFilter, parseOrderBy } from '../../src/query/parse.js';
import { SQLITE_FILE, SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { MeshStatements, narrowedByIndex, prepareQuery } from '../../src/store/sqlite/mesh-queries.js';
import { indexKeyExpression } from '../../src/query/sql/compile.js';
import { meshRowsCondition } from '../../src/store/sqlite/mesh-indexes.js';

let dir: string;
let store: SqliteStore;
const account = newObjectId();

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-mesh-readers-'));
  store = SqliteStore.open(dir);
});
after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a search runs on a reader thread: the event loop keeps turning while it works', async () => {
  const documents = Array.from({ length: 20_000 }, (_, i) => ({ _id: newObjectId(Date.now() + i), i, text: `t${i % 1000}`, list: [i % 7, i % 11] }));
  for (let start = 0; start < documents.length; start += 2_000) {
    await store.meshes.insert(account, 'large', documents.slice(start, start + 2_000).map((d) => ({ id: d._id, json: JSON.stringify(d) })));
  }
  let turns = 0;
  let searching = true;
  const tick = (): void => {
    turns++;
    if (searching) setImmediate(tick);
  };
  const pending = store.meshes.search(account, 'large', { filter: parseFilter('{ list: { $in: [3, 5] } }'), sort: parseOrderBy('{ text: -1 }'), offset: 0, limit: 10 }, { maxScan: 1_000_000 });
  setImmediate(tick);
  const answer = await pending;
  searching = false;
  assert.ok(turns > 1, `the event loop turned ${turns} times during the search`);
  assert.equal(answer.totalRecords, documents.filter((d) => d.list.some((v) => v === 3 || v === 5)).length);
});

test('concurrent searches, more than there are readers, all answer', async () => {
  const answers = await Promise.all(
    Array.from({ length: 7 }, (_, n) => store.meshes.search(account, 'large', { filter: parseFilter(`{ i: ${n} }`), offset: 0, limit: 5 }, { maxScan: 1_000_000 })),
  );
  assert.deepEqual(answers.map((a) => a.totalRecords), [1, 1, 1, 1, 1, 1, 1]);
});

test('the plan check: a seek on a mesh index or the id narrows a query, the account and mesh alone do not', async () => {
  await store.meshes.createIndex(account, { name: 'by_text', mesh: 'large', paths: ['text'], unique: false, createdAt: Date.now() });
  const db = new Database(path.join(dir, SQLITE_FILE), { readonly: true });
  try {
    const plan = (where: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN SELECT id, doc FROM mesh_documents WHERE ${meshRowsCondition(account, 'large')} AND (${where})`).all(...params) as { detail: string }[]).map((r) => r.detail);
    assert.equal(narrowedByIndex(plan(`${indexKeyExpression('sqlite', 'doc', 'text')} = ?`, 't1')), true);
    assert.equal(narrowedByIndex(plan('id = ?', 'x')), true);
    assert.equal(narrowedByIndex(plan(`json_extract(doc, '$.i') = ?`, 1)), false);
    assert.equal(narrowedByIndex(plan('1')), false);
    assert.equal(narrowedByIndex(plan(`${indexKeyExpression('sqlite', 'doc', 'text')} = ? OR json_extract(doc, '$.i') = ?`, 't1', 1)), false);
  } finally {
    db.close();
  }
});

test('an indexed search with a sort on the index\'s next key: the page is the index\'s order (no sort step) and the count reads the index alone', async () => {
  const documents = Array.from({ length: 3_000 }, (_, i) => ({ _id: newObjectId(Date.now() + i), a: i % 30, b: (i * 7919) % 1000 }));
  await store.meshes.insert(account, 'paged', documents.map((d) => ({ id: d._id, json: JSON.stringify(d) })));
  await store.meshes.createIndex(account, { name: 'paged_a_b', mesh: 'paged', paths: ['a', 'b'], unique: false, createdAt: Date.now() });
  const filter = parseFilter('{ a: 7 }');
  const sort = parseOrderBy('{ b: 1 }');
  const answer = await store.meshes.search(account, 'paged', { filter, sort, offset: 25, limit: 25 }, { maxScan: 0 });
  const expected = documents.filter((d) => d.a === 7).sort((x, y) => x.b - y.b || (x._id < y._id ? -1 : 1));
  assert.deepEqual(answer.plan, { sqlOnly: true, indexed: true });
  assert.equal(answer.totalRecords, expected.length);
  assert.deepEqual(answer.results.map((r) => r.id), expected.slice(25, 50).map((d) => d._id));

  const db = new Database(path.join(dir, SQLITE_FILE), { readonly: true });
  try {
    const statements = new MeshStatements(db);
    const prepared = prepareQuery(statements, { accountId: account, mesh: 'paged', filter, sort, maxScan: 0 });
    assert.ok('compiled' in prepared);
    const explain = (sql: string, ...params: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
    const base = prepared.compiled.params;
    const page = explain(`SELECT id, doc FROM mesh_documents WHERE ${prepared.whereSql} ORDER BY ${prepared.compiled.orderBy} LIMIT 25`, ...base, ...prepared.compiled.orderParams);
    assert.match(page, /SEARCH mesh_documents USING INDEX mesh_ix_\w+ \(account_id=\? AND mesh=\? AND /, page);
    assert.doesNotMatch(page, /TEMP B-TREE/, page);
    const count = explain(`SELECT count(*) FROM mesh_documents WHERE ${prepared.whereSql}`, ...base);
    assert.match(count, /SEARCH mesh_documents USING COVERING INDEX mesh_ix_\w+ \(account_id=\? AND mesh=\? AND /, count);
  } finally {
    db.close();
  }
});
