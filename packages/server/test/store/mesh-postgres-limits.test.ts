import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { newObjectId } from '../../src/lib/ids.js';
import { QueryTimeout } from '../../src/modules/meshes/store.js';
import { parseFilter } from '../../src/query/parse.js';
import { indexKeyExpression } from '../../src/query/sql/compile.js';
import { planSeeksIndex } from '../../src/store/postgres/meshes.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase } from '../helpers/postgres.js';

let database: { url: string; drop(): Promise<void> };
let store: PostgresStore;
let admin: pg.Client;
const account = newObjectId();

before(async () => {
  database = await createTestDatabase();
  store = await PostgresStore.open(database.url, 4, { meshSearchTimeoutMs: 300 });
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  const documents = Array.from({ length: 3_000 }, (_, i) => ({ _id: newObjectId(Date.now() + i), i, email: `u${i}@x` }));
  await store.meshes.insert(account, 'people', documents.map((d) => ({ id: d._id, json: JSON.stringify(d) })));
  await store.meshes.insert(newObjectId(), 'people', documents.map((d) => ({ id: d._id, json: JSON.stringify(d) })));
});
after(async () => {
  await admin.end();
  await store.close();
  await database.drop();
});

test('a search held past its statement timeout fails with QueryTimeout, and the store serves the next one', async () => {
  await admin.query('BEGIN');
  await admin.query('LOCK TABLE mesh_shapes IN ACCESS EXCLUSIVE MODE');
  try {
    await assert.rejects(store.meshes.search(account, 'people', { filter: parseFilter('{ i: 1 }'), offset: 0, limit: 5 }, { maxScan: 1_000_000 }), (e) => e instanceof QueryTimeout && e.limitMs === 300);
  } finally {
    await admin.query('ROLLBACK');
  }
  const answer = await store.meshes.search(account, 'people', { filter: parseFilter('{ i: 1 }'), offset: 0, limit: 5 }, { maxScan: 1_000_000 });
  assert.equal(answer.totalRecords, 1);
});

test('the plan check: a seek on a mesh index or the id narrows a query, the account and mesh alone do not', async () => {
  await store.meshes.createIndex(account, { name: 'by_email', mesh: 'people', paths: ['email'], unique: true, createdAt: Date.now() });
  await admin.query('ANALYZE mesh_documents');
  const plan = async (where: string, ...params: unknown[]) =>
    ((await admin.query(`EXPLAIN (FORMAT JSON) SELECT id FROM mesh_documents WHERE account_id = $1 AND mesh = $2 AND (${where})`, [account, 'people', ...params])).rows[0] as { 'QUERY PLAN': [{ Plan: Parameters<typeof planSeeksIndex>[0] }] })['QUERY PLAN'][0].Plan;
  assert.equal(planSeeksIndex(await plan(`${indexKeyExpression('postgres', 'doc', 'email')} = $3::jsonb`, '"u7@x"')), true);
  assert.equal(planSeeksIndex(await plan('id = $3', 'x')), true);
  assert.equal(planSeeksIndex(await plan(`(doc #> '{i}') = $3::jsonb`, '7')), false);
  assert.equal(planSeeksIndex(await plan('TRUE')), false);
});
