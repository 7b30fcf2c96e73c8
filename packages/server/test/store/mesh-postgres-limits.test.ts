import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { newObjectId } from '../../src/lib/ids.js';
import { QueryTimeout } from '../../src/modules/meshes/store.js';
import { parseFilter, parseOrderBy } from '../../src/query/parse.js';
import { compileQuery, indexKeyExpression } from '../../src/query/sql/compile.js';
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

test('an indexed search sorted on the index\'s next key: an ordered scan of the index with no sort, and figures for the planner from the build', async () => {
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

  // The build analyzed the table: its index's expressions have statistics.
  const analyzed = (await admin.query("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'mesh_documents'")).rows[0] as { last_analyze: Date | null };
  assert.notEqual(analyzed.last_analyze, null);
  const shapes = new Map(((await admin.query('SELECT path, bits FROM mesh_shapes WHERE account_id = $1 AND mesh = $2', [account, 'paged'])).rows as { path: string; bits: number }[]).map((r) => [r.path, r.bits]));
  const collation = ((await admin.query('SELECT datcollate FROM pg_database WHERE datname = current_database()')).rows[0] as { datcollate: string }).datcollate;
  const compiled = compileQuery(
    { dialect: 'postgres', docColumn: 'doc', idColumn: 'id', firstParam: 3, codePointStrings: /^(C|POSIX|C\.UTF-?8)$/i.test(collation) },
    { filter, sort },
    { shapes, indexedPaths: new Set(['a', 'b']) },
  );
  // Sorting priced out (as the budget's plan check prices out scans): a plan still sorts only when no index gives the order.
  await admin.query('BEGIN');
  await admin.query('SET LOCAL enable_sort = off');
  const explained = (await admin.query(`EXPLAIN (FORMAT JSON) SELECT id FROM mesh_documents WHERE account_id = $1 AND mesh = $2 AND (${compiled.where}) ORDER BY ${compiled.orderBy} LIMIT 25`, [
    account,
    'paged',
    ...compiled.params,
    ...compiled.orderParams,
  ])).rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] };
  await admin.query('ROLLBACK');
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode): void => {
    nodes.push(node);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(explained['QUERY PLAN'][0].Plan);
  const plan = JSON.stringify(explained['QUERY PLAN'][0].Plan);
  assert.ok(nodes.some((node) => node['Node Type'].startsWith('Index') && node['Index Name']?.startsWith('mesh_ix_')), plan);
  assert.ok(!nodes.some((node) => /Sort/.test(node['Node Type'])), plan);
});

test('a search after a write that changed the mesh\'s shapes compiles against the new catalog', async () => {
  const filter = parseFilter('{ a: 7 }');
  const before = await store.meshes.search(account, 'paged', { filter, offset: 0, limit: 5 }, { maxScan: 0 });
  // `a` now also holds an array: the SQL that served scalars alone would miss this document.
  const listed = { _id: newObjectId(), a: [6, 7], b: 1 };
  await store.meshes.insert(account, 'paged', [{ id: listed._id, json: JSON.stringify(listed) }]);
  const after = await store.meshes.search(account, 'paged', { filter, offset: 0, limit: 200 }, { maxScan: 1_000_000 });
  assert.equal(after.totalRecords, before.totalRecords + 1);
  assert.ok(after.results.some((r) => r.id === listed._id));
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
