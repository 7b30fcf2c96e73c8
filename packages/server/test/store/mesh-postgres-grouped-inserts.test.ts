import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { newObjectId } from '../../src/lib/ids.js';
import type { StoredDocument } from '../../src/modules/meshes/store.js';
import { parseFilter } from '../../src/query/parse.js';
import { shapesOf } from '../../src/query/sql/shapes.js';
import type { JsonObject } from '../../src/query/tree.js';
import { StoreUnavailable, UniqueViolation } from '../../src/store/errors.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { CuttableProxy } from '../helpers/tcp-proxy.js';

// The PostgreSQL side of grouped creates (insert-batch.ts, grouped-insert.ts): what the contract
// suite cannot see through the port, read from the database itself.

let database: { url: string; drop(): Promise<void> };
let store: PostgresStore;
let admin: pg.Client;
const generous = { maxScan: 1_000_000 };

before(async () => {
  database = await createTestDatabase();
  store = await PostgresStore.open(database.url, 4);
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});
after(async () => {
  await admin.end();
  await store.close();
  await database.drop();
});

function stored(document: JsonObject): StoredDocument {
  return { id: document['_id'] as string, json: JSON.stringify(document) };
}

/** The transactions that wrote the account's documents: one id per commit. */
async function writers(account: string): Promise<number> {
  return ((await admin.query('SELECT count(DISTINCT xmin::text)::int AS n FROM mesh_documents WHERE account_id = $1', [account])).rows[0] as { n: number }).n;
}

async function catalog(account: string, mesh: string): Promise<Map<string, number>> {
  const rows = (await admin.query('SELECT path, bits FROM mesh_shapes WHERE account_id = $1 AND mesh = $2', [account, mesh])).rows as { path: string; bits: number }[];
  return new Map(rows.map((row) => [row.path, row.bits]));
}

function shapesOfAll(documents: readonly JsonObject[]): Map<string, number> {
  const all = new Map<string, number>();
  for (const document of documents) for (const [path, bits] of shapesOf(document)) all.set(path, (all.get(path) ?? 0) | bits);
  return all;
}

test("a turn's creates, singles and batches over two meshes, commit in one transaction with the catalog's new bits", async () => {
  const account = newObjectId();
  const people = Array.from({ length: 40 }, (_, n) => ({ _id: newObjectId(), n, ...(n % 4 === 0 ? { tags: ['x', n] } : { tags: 'none' }) }));
  const animals = Array.from({ length: 6 }, (_, n) => ({ _id: newObjectId(), legs: n, owner: { name: `o${n}` } }));
  await Promise.all([
    ...people.slice(0, 30).map((doc) => store.meshes.insert(account, 'people', [stored(doc)])),
    store.meshes.insert(account, 'people', people.slice(30).map(stored)),
    store.meshes.insert(account, 'animals', animals.slice(0, 3).map(stored)),
    ...animals.slice(3).map((doc) => store.meshes.insert(account, 'animals', [stored(doc)])),
  ]);
  assert.equal(await writers(account), 1);
  assert.deepEqual(await catalog(account, 'people'), shapesOfAll(people));
  assert.deepEqual(await catalog(account, 'animals'), shapesOfAll(animals));
  const tagged = await store.meshes.search(account, 'people', { filter: parseFilter('{ tags: 8 }'), offset: 0, limit: 10 }, generous);
  assert.deepEqual(tagged.results.map((r) => r.id), [people[8]!._id]);
});

test("a refused create's new bits reach neither the catalog nor the store's cache of it", async () => {
  const account = newObjectId();
  const existing = { _id: newObjectId(), tags: 'plain' };
  await store.meshes.insert(account, 'shaped', [stored(existing)]);
  // Refused (its id is taken) while bringing an array at `tags`; the others bring only scalars.
  const refused = { _id: existing._id, tags: ['a'], extra: { deep: 1 } };
  const committed = Array.from({ length: 5 }, (_, n) => ({ _id: newObjectId(), tags: `t${n}` }));
  const outcomes = await Promise.allSettled([...committed.map((doc) => store.meshes.insert(account, 'shaped', [stored(doc)])), store.meshes.insert(account, 'shaped', [stored(refused)])]);
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
  assert.ok((outcomes[5] as PromiseRejectedResult).reason instanceof UniqueViolation);
  assert.equal(await writers(account), 2);
  assert.deepEqual(await catalog(account, 'shaped'), shapesOfAll([existing, ...committed]));
  // Had the cache learnt the refused document's array, this one would not record it, and the
  // search below would compile `tags` as a scalar and miss it.
  const array = { _id: newObjectId(), tags: ['b', 'c'] };
  await store.meshes.insert(account, 'shaped', [stored(array)]);
  assert.deepEqual(await catalog(account, 'shaped'), shapesOfAll([existing, ...committed, array]));
  const found = await store.meshes.search(account, 'shaped', { filter: parseFilter('{ tags: "c" }'), offset: 0, limit: 10 }, generous);
  assert.deepEqual(found.results.map((r) => r.id), [array._id]);
});

test('a document PostgreSQL refuses fails alone, with the error it gets on its own; the rest of its turn commits', async () => {
  const account = newObjectId();
  const bad = stored({ _id: newObjectId(), text: 'nul \u0000 inside' });
  const alone = await store.meshes.insert(account, 'refusals', [bad]).then(
    () => assert.fail('jsonb took a NUL character'),
    (error: unknown) => error as { code?: string },
  );
  assert.equal(alone.code, '22P05');
  const good = Array.from({ length: 10 }, (_, n) => stored({ _id: newObjectId(), n }));
  const batch = [stored({ _id: newObjectId(), n: 100 }), stored({ _id: newObjectId(), n: 101 })];
  const outcomes = await Promise.allSettled([
    ...good.slice(0, 5).map((doc) => store.meshes.insert(account, 'refusals', [doc])),
    store.meshes.insert(account, 'refusals', [bad]),
    store.meshes.insert(account, 'refusals', batch),
    ...good.slice(5).map((doc) => store.meshes.insert(account, 'refusals', [doc])),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), [...Array(5).fill('fulfilled'), 'rejected', ...Array(6).fill('fulfilled')]);
  assert.equal(((outcomes[5] as PromiseRejectedResult).reason as { code?: string }).code, alone.code);
  for (const doc of [...good, ...batch]) assert.deepEqual(await store.meshes.get(account, 'refusals', doc.id), { id: doc.id, json: doc.json });
  assert.equal(await store.meshes.get(account, 'refusals', bad.id), undefined);
});

test('a statement held past its timeout fails every create of its turn at once, none tried again alone', async () => {
  const account = newObjectId();
  const documents = Array.from({ length: 5 }, (_, n) => stored({ _id: newObjectId(), n }));
  await admin.query('BEGIN');
  await admin.query('LOCK TABLE mesh_documents IN SHARE MODE');
  const started = Date.now();
  let outcomes: PromiseSettledResult<void>[];
  try {
    outcomes = await Promise.allSettled(documents.map((doc) => store.meshes.insert(account, 'held', [doc])));
  } finally {
    await admin.query('ROLLBACK');
  }
  // The pool's statement timeout is 5 s: a second try alone would have waited as long again.
  assert.ok(Date.now() - started < 8_000, `${Date.now() - started} ms`);
  for (const outcome of outcomes) assert.equal(((outcome as PromiseRejectedResult).reason as { code?: string }).code, '57014');
  assert.equal(await writers(account), 0);
});

test('an outage fails every create of the turn with StoreUnavailable (the routes answer 503)', async () => {
  const direct = new URL(database.url);
  const proxy = new CuttableProxy(Number(direct.port || 5432), direct.hostname);
  await proxy.open();
  direct.port = String(proxy.port);
  const cut = await PostgresStore.open(direct.toString(), 4);
  try {
    const account = newObjectId();
    await cut.meshes.insert(account, 'lost', [stored({ _id: newObjectId(), n: -1 })]);
    await proxy.cut();
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 6 }, (_, n) => cut.meshes.insert(account, 'lost', [stored({ _id: newObjectId(), n })])),
      cut.meshes.insert(account, 'lost', [stored({ _id: newObjectId(), n: 10 }), stored({ _id: newObjectId(), n: 11 })]),
    ]);
    for (const outcome of outcomes) assert.ok(outcome.status === 'rejected' && outcome.reason instanceof StoreUnavailable, String((outcome as PromiseRejectedResult).reason));
    assert.equal(await writers(account), 1);
  } finally {
    await cut.close();
    await proxy.close();
  }
});

test('closing the store first commits the creates still waiting for their turn', async () => {
  const closing = await PostgresStore.open(database.url, 2);
  const account = newObjectId();
  const documents = Array.from({ length: 20 }, (_, n) => stored({ _id: newObjectId(), n }));
  const inserts = documents.map((doc) => closing.meshes.insert(account, 'closing', [doc]));
  const batch = closing.meshes.insert(account, 'closing', [stored({ _id: newObjectId() }), stored({ _id: newObjectId() })]);
  await closing.close();
  await Promise.all([...inserts, batch]);
  const count = ((await admin.query('SELECT count(*)::int AS n FROM mesh_documents WHERE account_id = $1', [account])).rows[0] as { n: number }).n;
  assert.equal(count, 22);
});
