import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

/**
 * The scan budget on a mesh of five documents: whether an index can narrow the query decides,
 * not the planner's fair choice to read a tiny table whole (PostgreSQL's would, index or not).
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`meshes API: a budget of 0 on a small mesh (${kind})`, () => {
    let t: TestServer;
    let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    let token: string;
    const search = (filter: string) =>
      request(`${t.base}/meshes/city?filter=${encodeURIComponent(filter)}`, { method: 'GET', headers: { authorization: `Bearer ${token}` } });
    const cli = (...args: string[]) => runCli([...args, ...(database ? ['--database-url', database.url] : ['--data', t.dataDir])]);

    before(async () => {
      database = kind === 'postgres' ? await createTestDatabase() : undefined;
      t = await startTestServer({ logLevel: 'warn', databaseUrl: database?.url });
      token = (await login(t)).access_token;
      const cities = ['Oslo', 'Nara', 'Lima', 'Bern', 'Riga'].map((name, population) => ({ name, population }));
      const created = await request(`${t.base}/meshes/city`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(cities),
      });
      assert.equal(created.status, 201);
      await t.setAccountSettings({ scanBudget: 0 });
    });
    after(async () => {
      await t.close();
      await database?.drop();
    });

    test('without an index on the path: 429', async () => {
      const searched = await search("{ name: 'Oslo' }");
      assert.equal(`${searched.status} ${searched.body.code}`, '429 database_limit_exceeded');
    });

    test('with an index on the path: 200 and the match; another path is still refused', async () => {
      const made = cli('index', 'create', 'test', 'city', 'name');
      assert.equal(made.status, 0, made.stderr);
      const searched = await search("{ name: 'Oslo' }");
      assert.equal(searched.status, 200, JSON.stringify(searched.body));
      assert.deepEqual(
        searched.body.results.map((city: { name: string }) => city.name),
        ['Oslo'],
      );
      assert.equal(searched.body.totalRecords, 1);
      const ranged = await search("{ name: { $gte: 'Nara' } }");
      assert.equal(ranged.status, 200, JSON.stringify(ranged.body));
      assert.equal(ranged.body.totalRecords, 3);
      assert.equal((await search('{ population: 0 }')).status, 429);
    });

    test('after the index is dropped: 429 again', async () => {
      const listed = cli('index', 'list', 'test', 'city', '--json');
      assert.equal(listed.status, 0, listed.stderr);
      const [index] = JSON.parse(listed.stdout) as { name: string }[];
      assert.equal(cli('index', 'drop', 'test', index!.name).status, 0);
      assert.equal((await search("{ name: 'Oslo' }")).status, 429);
    });
  });
}
