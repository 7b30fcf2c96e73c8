import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { parseFilter } from '../../src/query/parse.js';
import { compileQuery } from '../../src/query/sql/compile.js';
import { sqlIndexName } from '../../src/store/mesh-queries.js';
import { planSeeksIndex } from '../../src/store/postgres/meshes.js';
import { runCli } from '../helpers/cli.js';
import { request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

type PlanNode = Parameters<typeof planSeeksIndex>[0];

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** `openmeshy index create ACCOUNT MESH --containment`: one GIN index that serves the compiler's `doc @> ...` for equality on any path. */
describe('meshes: the containment (GIN) index on PostgreSQL', () => {
  let t: TestServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: pg.Client;
  let token: string;
  let accountId: string;
  const search = (filter: string) =>
    request(`${t.base}/meshes/city?filter=${encodeURIComponent(filter)}`, { method: 'GET', headers: { authorization: `Bearer ${token}` } });
  const cli = (...args: string[]) => runCli([...args, '--database-url', database.url]);

  before(async () => {
    database = await createTestDatabase();
    t = await startTestServer({ logLevel: 'warn', databaseUrl: database.url });
    token = (await login(t)).access_token;
    accountId = (await t.server.store.accounts.findByName('test'))!.id;
    for (let batch = 0; batch < 4; batch++) {
      const cities = Array.from({ length: 500 }, (_, i) => ({
        name: batch === 0 && i === 0 ? 'Oslo' : `city${batch * 500 + i}`,
        population: i,
        address: { country: i % 50 === 0 ? 'Norway' : `c${i % 50}` },
      }));
      const created = await request(`${t.base}/meshes/city`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(cities),
      });
      assert.equal(created.status, 201);
    }
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await t.setAccountSettings({ scanBudget: 0 });
  });
  after(async () => {
    await admin.end();
    await t.close();
    await database.drop();
  });

  test('before it, equality on an unindexed path is a scan: 429 at a budget of 0', async () => {
    assert.equal((await search("{ name: 'Oslo' }")).status, 429);
  });

  test('index create --containment builds it; list shows it', () => {
    const made = cli('index', 'create', 'test', 'city', '--containment', '--json');
    assert.equal(made.status, 0, made.stderr);
    const created = JSON.parse(made.stdout);
    assert.deepEqual({ ...created, createdAt: undefined }, { accountName: 'test', name: 'city_containment', mesh: 'city', paths: [], unique: false, containment: true, createdAt: undefined });
    assert.match(cli('index', 'list', 'test', 'city').stdout, /^city_containment {2}city {2}\(containment, GIN\)$/m);
  });

  test('the database holds a partial GIN index (jsonb_path_ops) on the mesh, and EXPLAIN shows it serving doc @> ...', async () => {
    const sqlName = sqlIndexName(accountId, 'city_containment');
    const definition = (await admin.query('SELECT indexdef FROM pg_indexes WHERE indexname = $1', [sqlName])).rows[0] as { indexdef: string };
    assert.match(definition.indexdef, /USING gin \(doc jsonb_path_ops\) WHERE \(\(account_id = '[0-9a-f]+'::text\) AND \(mesh = 'city'::text\)\)/);
    await admin.query('ANALYZE mesh_documents');
    const compiled = compileQuery(
      { dialect: 'postgres', docColumn: 'doc', idColumn: 'id', firstParam: 3, codePointStrings: true },
      { filter: parseFilter("{ name: 'Oslo', 'address.country': 'Norway' }") },
      { shapes: new Map(), indexedPaths: new Set() },
    );
    assert.match(compiled.where, /doc @> \$3::jsonb/);
    // The planner's own choice, with every plan type allowed, on 2,000 documents.
    const explained = (await admin.query(`EXPLAIN (FORMAT JSON) SELECT id FROM mesh_documents WHERE account_id = $1 AND mesh = $2 AND (${compiled.where})`, [accountId, 'city', ...compiled.params]))
      .rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] };
    const plan = explained['QUERY PLAN'][0].Plan;
    const scans = nodes(plan).filter((node) => node['Node Type'] === 'Bitmap Index Scan');
    assert.ok(scans.length > 0 && scans.every((node) => node['Index Name'] === sqlName && /doc @>/.test(node['Index Cond'] ?? '')), JSON.stringify(plan));
    assert.equal(planSeeksIndex(plan), true);
  });

  test('the budget counts equality on any path as indexed; ranges and $in are still scans', async () => {
    const oslo = await search("{ name: 'Oslo' }");
    assert.equal(oslo.status, 200, JSON.stringify(oslo.body));
    assert.deepEqual(oslo.body.results.map((city: { name: string }) => city.name), ['Oslo']);
    const norway = await search("{ 'address.country': 'Norway', population: 0 }");
    assert.equal(norway.status, 200, JSON.stringify(norway.body));
    assert.equal(norway.body.totalRecords, 4);
    assert.equal((await search('{ population: { $gt: 400 } }')).status, 429);
    assert.equal((await search("{ name: { $in: ['Oslo', 'city7'] } }")).status, 429);
  });

  test('refusals: --unique, paths with --containment; drop makes equality a scan again', () => {
    const unique = cli('index', 'create', 'test', 'city', '--containment', '--unique');
    assert.equal(unique.status, 2);
    assert.match(unique.stderr, /a containment index cannot be --unique/);
    const withPath = cli('index', 'create', 'test', 'city', 'name', '--containment');
    assert.equal(withPath.status, 2);
    assert.match(withPath.stderr, /usage: openmeshy index create/);
    assert.equal(cli('index', 'drop', 'test', 'city_containment').status, 0);
  });

  test('after the drop: 429 again, and the GIN index is gone', async () => {
    assert.equal((await search("{ name: 'Oslo' }")).status, 429);
    assert.equal((await admin.query('SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = $1', [sqlIndexName(accountId, 'city_containment')])).rows[0].n, 0);
  });
});

describe('meshes: --containment on SQLite', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-containment-'));
  after(() => fs.rmSync(data, { recursive: true, force: true }));

  test('is refused with exit code 2: PostgreSQL-only', () => {
    assert.equal(runCli(['account', 'create', 'shop', '--data', data]).status, 0);
    const refused = runCli(['index', 'create', 'shop', 'person', '--containment', '--data', data]);
    assert.equal(refused.status, 2, refused.stdout);
    assert.match(refused.stderr, /^openmeshy: --containment builds a PostgreSQL GIN index: it is PostgreSQL-only/);
    assert.equal(runCli(['index', 'list', 'shop', '--data', data]).stdout, '(no indexes)\n');
  });
});
