import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { giveRole, grantsOf, signedInUser } from '../helpers/roles.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Two instances on one PostgreSQL: a permission granted or revoked through one takes effect at the
 * other within two seconds of that instance's clock, for a token issued before the change. Each
 * instance has its own manual clock, so "within two seconds" is exact, not a race.
 */
describe('permission changes across two instances on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    database = await createTestDatabase();
    a = await startTestServer({ databaseUrl: database.url, logLevel: 'warn' });
    b = await startTestServer({ databaseUrl: database.url, logLevel: 'warn' });
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop();
  });

  const listRoles = (t: TestServer, token: string) => request(`${t.base}/roles`, { headers: { authorization: `Bearer ${token}` } });
  const call = (t: TestServer, token: string, method: string, path: string, body?: unknown) =>
    request(`${t.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test('revoked at one instance: refused at the other within two seconds, with the same token', async () => {
    const admin = await signedInUser(a, 'cluster_admin');
    await giveRole(a, 'cluster_admin', 'Admin', grantsOf({ roles: 'crud', users: 'crud' }));
    const reader = await signedInUser(a, 'cluster_reader');
    const readerId = (await request(`${a.base}/users/me`, { headers: { authorization: `Bearer ${reader}` } })).body.id as string;

    // Granted through instance a's API; b has cached the account's grants (no role yet).
    assert.equal((await listRoles(b, reader)).status, 403);
    const role = await call(a, admin, 'POST', '/roles', { name: 'Readers' });
    await call(a, admin, 'POST', `/roles/${role.body.id}/permissions`, { permissibleName: 'roles', read: true });
    await call(a, admin, 'POST', `/roles/${role.body.id}/users`, { users: [{ id: readerId }] });
    // b sees the new role once its cached copy of the user (with its roles) is two seconds old,
    // and the role's permissions once its cached grants are.
    b.clock.advance(2_001);
    assert.equal((await listRoles(b, reader)).status, 200);

    // Revoked through a: b may answer from its cache for at most two seconds, then refuses.
    const permissionId = (await call(a, admin, 'GET', `/roles/${role.body.id}/permissions`)).body.results[0].id as string;
    assert.equal((await call(a, admin, 'DELETE', `/roles/${role.body.id}/permissions/${permissionId}`)).status, 204);
    b.clock.advance(1_000);
    assert.equal((await listRoles(b, reader)).status, 200, "b's grants are one second old: still the cached ones");
    b.clock.advance(1_001);
    const refused = await listRoles(b, reader);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'User has insufficent permission to read roles.');
    // And at a: at once, since a changed it.
    assert.equal((await listRoles(a, reader)).status, 403);
  });
});
