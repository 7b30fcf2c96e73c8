import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { giveRole, grantsOf, signedInUser } from '../helpers/roles.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../helpers/server.js';

/**
 * Two instances on one PostgreSQL, each caching its signed-in users for up to 2 s of its own
 * (manual) clock: a user deleted through one, or deactivated by the CLI, is refused at the other
 * once its cached copy is 2 s old, with a token issued before the change.
 */
describe('user deactivation and deletion across two instances on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: TestServer;
  let b: TestServer;
  let admin: string;

  before(async () => {
    database = await createTestDatabase();
    a = await startTestServer({ databaseUrl: database.url, logLevel: 'warn' });
    b = await startTestServer({ databaseUrl: database.url, logLevel: 'warn' });
    admin = await signedInUser(a, 'cluster_admin');
    await giveRole(a, 'cluster_admin', 'Admin', grantsOf({ users: 'crud' }));
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop();
  });

  const call = (t: TestServer, token: string, method: string, path: string) =>
    request(`${t.base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const readMesh = (t: TestServer, token: string) => call(t, token, 'GET', '/meshes/notes/aaaaaaaaaaaaaaaaaaaaaaaa');

  test('deleted through one instance: refused at once there, at the other once 2 s have passed on its clock', async () => {
    const token = await signedInUser(a, 'cluster_deleted');
    const id = (await call(a, token, 'GET', '/users/me')).body.id as string;
    assert.equal((await readMesh(b, token)).status, 404, 'b has the user cached');
    assert.equal((await call(a, admin, 'DELETE', `/users/${id}`)).status, 204);
    assert.equal((await readMesh(a, token)).status, 401, 'a made the change: refused at once');
    b.clock.advance(1_999);
    assert.equal((await readMesh(b, token)).status, 404, "b's copy is under 2 s old");
    assert.equal((await call(b, token, 'GET', '/users/me')).status, 401, 'users/me at b reads the user as stored');
    b.clock.advance(1);
    const refused = await readMesh(b, token);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
  });

  test('deactivated by the CLI: refused at each instance once its cached copy is 2 s old', async () => {
    const token = await signedInUser(a, 'cluster_deactivated');
    assert.equal((await readMesh(a, token)).status, 404);
    assert.equal((await readMesh(b, token)).status, 404);
    const cli = runCli(['user', 'deactivate', 'test', 'cluster_deactivated'], { DATABASE_URL: database.url, OPENMESHY_SECRET: TEST_SECRET });
    assert.equal(cli.status, 0, cli.stderr);
    for (const t of [a, b]) {
      t.clock.advance(1_999);
      assert.equal((await readMesh(t, token)).status, 404, 'a copy under 2 s old is still answered');
      t.clock.advance(1);
      assert.equal((await readMesh(t, token)).status, 401);
    }
  });
});
