import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { PgMeshStore } from '../../src/store/postgres/meshes.js';
import type { SqliteMeshStore } from '../../src/store/sqlite/meshes.js';
import { request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

describe('mesh store settings', () => {
  test('defaults, environment and flags; out-of-range values are refused', () => {
    const defaults = loadConfig({}, {});
    assert.deepEqual([defaults.meshReaders, defaults.meshSearchTimeoutMs], [2, 5000]);
    const fromEnv = loadConfig({}, { OPENMESHY_MESH_READERS: '4', OPENMESHY_MESH_SEARCH_TIMEOUT: '1500' });
    assert.deepEqual([fromEnv.meshReaders, fromEnv.meshSearchTimeoutMs], [4, 1500]);
    const flagWins = loadConfig({ '--mesh-readers': '1', '--mesh-search-timeout': '700' }, { OPENMESHY_MESH_READERS: '4', OPENMESHY_MESH_SEARCH_TIMEOUT: '1500' });
    assert.deepEqual([flagWins.meshReaders, flagWins.meshSearchTimeoutMs], [1, 700]);
    for (const flags of [{ '--mesh-readers': '0' }, { '--mesh-readers': '65' }, { '--mesh-search-timeout': '0' }, { '--mesh-search-timeout': '5s' }]) {
      assert.throws(() => loadConfig(flags, {}), ConfigError, JSON.stringify(flags));
    }
  });
});

async function searchAll(t: TestServer, token: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      request(`${t.base}/meshes/thing?filter=${encodeURIComponent(`{ n: { $gte: ${i} } }`)}`, { method: 'GET', headers: { authorization: `Bearer ${token}` } }),
    ),
  );
}

async function createThings(t: TestServer, token: string): Promise<void> {
  const things = Array.from({ length: 200 }, (_, n) => ({ n }));
  const created = await request(`${t.base}/meshes/thing`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(things),
  });
  assert.equal(created.status, 201);
}

describe('--mesh-readers reaches the SQLite store', () => {
  let t: TestServer;
  let token: string;
  before(async () => {
    t = await startTestServer({ logLevel: 'warn', flags: { '--mesh-readers': '3' } });
    token = (await login(t)).access_token;
    await createThings(t, token);
  });
  after(() => t.close());

  test('searches run on at most that many reader threads, and all answer', async () => {
    const meshes = t.server.store.meshes as SqliteMeshStore;
    assert.equal(meshes.readerThreads.limit, 3);
    const answers = await searchAll(t, token, 9);
    assert.deepEqual(answers.map((answer) => answer.status), Array(9).fill(200));
    assert.deepEqual(answers.map((answer) => answer.body.totalRecords), Array.from({ length: 9 }, (_, i) => 200 - i));
    // As many as were needed at once, never more than the setting.
    assert.ok(meshes.readerThreads.running >= 1 && meshes.readerThreads.running <= 3, String(meshes.readerThreads.running));
  });
});

describe('--mesh-search-timeout reaches the PostgreSQL store', () => {
  let t: TestServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let token: string;
  let admin: pg.Client;
  before(async () => {
    database = await createTestDatabase();
    t = await startTestServer({ logLevel: 'warn', databaseUrl: database.url, flags: { '--mesh-search-timeout': '250' } });
    token = (await login(t)).access_token;
    await createThings(t, token);
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  after(async () => {
    await admin.end();
    await t.close();
    await database.drop();
  });

  test('a search held up past it is cancelled with 429 database_timeout; the next one answers', async () => {
    assert.equal((t.server.store.meshes as PgMeshStore).timeoutMs, 250);
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE mesh_documents IN ACCESS EXCLUSIVE MODE');
    try {
      const [held] = await searchAll(t, token, 1);
      assert.equal(`${held!.status} ${held!.body.code}`, '429 database_timeout');
    } finally {
      await admin.query('ROLLBACK');
    }
    const [answered] = await searchAll(t, token, 1);
    assert.deepEqual([answered!.status, answered!.body.totalRecords], [200, 200]);
  });
});
