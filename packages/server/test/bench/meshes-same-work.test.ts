// The meshes bench compares OpenMeshy with its raw-SQL ceiling: that is only fair if both answer
// the same requests with the same data. This starts both as the bench does (OpenMeshy through
// the `openmeshy` bin, the reference as its child process), loads the bench's documents into
// each the bench's way, and checks that their answers agree, on SQLite and on PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { corpusDocument, corpusId, NEW_BATCH, valuesOfA } from '../../bench/mesh-documents.js';
import { accessTokens, ensureCorpus, startRawSql } from '../../bench/mesh-fixtures.js';
import { indexedSearchPath } from '../../bench/mesh-scenarios.js';
import { searchPath } from '../../bench/mesh-scripts.js';
import { OpenMeshyClient, startOpenMeshy, type OpenMeshy } from '../../bench/openmeshy.js';
import { startPostgresCluster } from '../../bench/postgres-cluster.js';
import { Children } from '../../bench/processes.js';
import { ADMIN_URL } from '../helpers/postgres.js';

const SIZE = 10_000;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`the meshes bench on ${kind}`, () => {
    const children = new Children();
    let workDir: string;
    let openmeshy: OpenMeshy;
    let token: string;
    let rawUrl: string;
    let dropDatabase = async () => {};

    before(async () => {
      workDir = await mkdtemp(path.join(os.tmpdir(), 'openmeshy-bench-test-'));
      let databaseUrl: string | undefined;
      if (kind === 'sqlite') openmeshy = await startOpenMeshy(children, path.join(workDir, 'sqlite'));
      else {
        const cluster = await startPostgresCluster({ children, workDir, adminUrl: ADMIN_URL, redisUrl: process.env.OPENMESHY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', instances: 1 });
        dropDatabase = cluster.drop;
        openmeshy = cluster.servers[0]!;
        databaseUrl = openmeshy.store.env.DATABASE_URL;
      }
      const client = new OpenMeshyClient(openmeshy);
      await client.registerAnonymous('bench_test');
      token = (await accessTokens(client, ['bench_test']))[0]!;
      await ensureCorpus(openmeshy, token, 'corpus', SIZE);
      ({ url: rawUrl } = await startRawSql({ children, workDir, databaseUrl }, SIZE));
    });

    after(async () => {
      await children.stopAll();
      await dropDatabase();
      await rm(workDir, { recursive: true, force: true });
    });

    async function ours(route: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
      const res = await fetch(`${openmeshy.baseUrl}${openmeshy.accountPath}${route}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      return { status: res.status, body: await res.json() };
    }

    async function raw(route: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
      const res = await fetch(`${rawUrl}${route}`, { ...init, headers: { 'content-type': 'application/json' } });
      return { status: res.status, body: await res.json() };
    }

    test('the indexed search answers the same page and count on OpenMeshy and on the ceiling', async () => {
      for (const k of [0, 3, valuesOfA(SIZE) - 1]) {
        const mine = await ours(indexedSearchPath('/meshes/corpus', k));
        const theirs = await raw(`/search?a=${k}`);
        assert.equal(mine.status, 200);
        assert.equal(theirs.status, 200);
        assert.equal(mine.body.totalRecords, 1000);
        assert.equal(theirs.body.totalRecords, 1000);
        assert.equal(mine.body.results.length, 25);
        assert.deepEqual(mine.body.results, theirs.body.results);
      }
    });

    test('get by id answers the same document on both, the one the bench generated', async () => {
      for (const i of [0, 1234, SIZE - 1]) {
        const mine = await ours(`/meshes/corpus/${corpusId(i)}`);
        const theirs = await raw(`/docs/${corpusId(i)}`);
        assert.equal(mine.status, 200);
        assert.deepEqual(mine.body, corpusDocument(i, SIZE));
        assert.deepEqual(theirs.body, mine.body);
      }
    });

    test('a batch of 50 is created on both, with an id for each', async () => {
      const mine = await ours('/meshes/person', { method: 'POST', body: NEW_BATCH });
      const theirs = await raw('/docs/batch', { method: 'POST', body: NEW_BATCH });
      assert.equal(mine.status, 201);
      assert.equal(theirs.status, 201);
      assert.equal(mine.body.createdCount, 50);
      assert.equal(theirs.body.createdCount, 50);
      const strip = (docs: Array<Record<string, unknown>>) => docs.map(({ _id, ...rest }) => (assert.match(String(_id), /^[0-9a-f]{24}$/), rest));
      assert.deepEqual(strip(theirs.body.createdData), strip(mine.body.createdData));
    });

    test("the scan scenario's unindexed filter matches 1 % of the documents, the PATCH scenario's indexed one 1,000", async () => {
      const scan = await ours(searchPath('/meshes/corpus', '{"c":{"$gte":10,"$lt":20}}'));
      assert.equal(scan.status, 200);
      assert.equal(scan.body.totalRecords, SIZE / 100);
      const patch = await ours('/meshes/corpus', { method: 'PATCH', body: JSON.stringify({ filter: '{"a":5}', update: '{"$inc":{"n":1}}' }) });
      assert.equal(patch.status, 200);
      assert.equal(patch.body.matchedCount, 1000);
      assert.equal(patch.body.modifiedCount, 1000);
    });
  });
}
