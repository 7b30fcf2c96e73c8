import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

const LIMIT = 'You have either hit your API or Database limit. Please review your account.';

/** MeshyDB's "Database limit": the account's scan budget refuses unindexed scans with a 429; an index lifts it. */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`meshes API: the scan budget (${kind})`, () => {
    let t: TestServer;
    let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    let token: string;
    const call = (method: string, path: string, body?: unknown) =>
      request(`${t.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const filter = encodeURIComponent("{ name: 'Oslo' }");

    before(async () => {
      database = kind === 'postgres' ? await createTestDatabase() : undefined;
      t = await startTestServer({ logLevel: 'warn', databaseUrl: database?.url });
      token = (await login(t)).access_token;
      // Enough documents that a planner prefers the index to reading the table (PostgreSQL's does not for a handful).
      for (let batch = 0; batch < 4; batch++) {
        const cities = Array.from({ length: 500 }, (_, i) => ({ name: batch === 0 && i === 0 ? 'Oslo' : `city${batch * 500 + i}`, population: i }));
        assert.equal((await call('POST', '/meshes/city', cities)).status, 201);
      }
    });
    after(async () => {
      await t.close();
      await database?.drop();
    });

    test('the default budget lets small scans through', async () => {
      assert.equal((await call('GET', `/meshes/city?filter=${filter}`)).body.totalRecords, 1);
    });

    test('a budget of 0 refuses every unindexed scan with a 429 of its own code; reads by id still work', async () => {
      await t.setAccountSettings({ scanBudget: 0 });
      const searched = await call('GET', `/meshes/city?filter=${filter}`);
      assert.equal(`${searched.status} ${searched.body.code}: ${searched.body.message}`, `429 database_limit_exceeded: ${LIMIT}`);
      const patched = await call('PATCH', '/meshes/city', { filter: "{ name: 'Oslo' }", update: '{ $inc: { population: 1 } }' });
      assert.equal(`${patched.status} ${patched.body.code}`, '429 database_limit_exceeded');
      const deleted = await call('DELETE', `/meshes/city?filter=${filter}`);
      assert.equal(`${deleted.status} ${deleted.body.code}`, '429 database_limit_exceeded');
      const created = await call('POST', '/meshes/city', { name: 'Nara' });
      assert.equal(created.status, 201);
      assert.equal((await call('GET', `/meshes/city/${created.body._id}`)).status, 200);
    });

    test('after `openmeshy index create` on the path, the same queries are answered', async () => {
      // The CLI, in a process of its own, on the store the server runs on.
      const made = runCli(['index', 'create', 'test', 'city', 'name', ...(database ? ['--database-url', database.url] : ['--data', t.dataDir])]);
      assert.equal(made.status, 0, made.stderr);
      const searched = await call('GET', `/meshes/city?filter=${filter}`);
      assert.equal(searched.status, 200, JSON.stringify(searched.body));
      assert.equal(searched.body.totalRecords, 1);
      const patched = await call('PATCH', '/meshes/city', { filter: "{ name: 'Oslo' }", update: '{ $inc: { population: 1 } }' });
      assert.deepEqual([patched.status, patched.body.matchedCount], [200, 1]);
      assert.deepEqual((await call('DELETE', `/meshes/city?filter=${filter}`)).body, { deletedCount: 1, isAcknowledged: true });
      // Another path is still a scan.
      assert.equal((await call('GET', `/meshes/city?filter=${encodeURIComponent('{ population: 0 }')}`)).status, 429);
    });
  });
}
