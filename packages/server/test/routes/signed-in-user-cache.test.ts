import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../helpers/http.js';
import { giveRole, grantsOf, signedInUser } from '../helpers/roles.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The gate keeps each signed-in user for up to 2 s per instance. A change made through this
 * instance is seen at once; one made around it (the store directly, as the CLI does) within 2 s of
 * the server's clock; users/me always answers the user as stored.
 */
describe('the signed-in user cache', () => {
  let t: TestServer;
  let admin: string;
  let accountId: string;
  const call = (token: string, method: string, path: string, body?: unknown) =>
    request(`${t.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const me = (token: string) => call(token, 'GET', '/users/me');
  const idOf = async (token: string) => (await me(token)).body.id as string;

  before(async () => {
    t = await startTestServer({ logLevel: 'warn' });
    admin = await signedInUser(t, 'cache_admin');
    await giveRole(t, 'cache_admin', 'Admin', grantsOf({ roles: 'crud', users: 'crud' }));
    accountId = (await t.server.store.accounts.findByName('test'))!.id;
  });
  after(() => t.close());

  test('a user deleted through the admin API is refused at once with its token', async () => {
    const token = await signedInUser(t, 'cache_deleted');
    const id = await idOf(token);
    assert.equal((await call(token, 'GET', '/meshes/notes/aaaaaaaaaaaaaaaaaaaaaaaa')).status, 404, 'the gate has the user cached');
    assert.equal((await call(admin, 'DELETE', `/users/${id}`)).status, 204);
    const refused = await call(token, 'GET', '/meshes/notes/aaaaaaaaaaaaaaaaaaaaaaaa');
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    assert.equal((await me(token)).status, 401);
  });

  test('a user deactivated outside the instance (as the CLI does) is refused within 2 s of its clock', async () => {
    const token = await signedInUser(t, 'cache_deactivated');
    const id = await idOf(token);
    const mesh = () => call(token, 'GET', '/meshes/notes/aaaaaaaaaaaaaaaaaaaaaaaa');
    assert.equal((await mesh()).status, 404);
    await t.server.store.users.setActive(accountId, id, false);
    t.clock.advance(1_999);
    assert.equal((await mesh()).status, 404, 'the cached user is at most 2 s old: still answered');
    assert.equal((await me(token)).status, 401, 'users/me reads the user as stored');
    t.clock.advance(1);
    assert.equal((await mesh()).status, 401, 'past 2 s the gate reads the user again');
    await t.server.store.users.setActive(accountId, id, true);
    t.clock.advance(2_000);
    assert.equal((await mesh()).status, 404, 'reactivated: accepted again');
  });

  test('a user removed from a role through the API loses its permission at once', async () => {
    const token = await signedInUser(t, 'cache_member');
    const id = await idOf(token);
    const role = await call(admin, 'POST', '/roles', { name: 'CacheReaders' });
    assert.equal((await call(admin, 'POST', `/roles/${role.body.id}/permissions`, { permissibleName: 'roles', read: true })).status, 201);
    assert.equal((await call(admin, 'POST', `/roles/${role.body.id}/users`, { users: [{ id }] })).status, 204);
    assert.equal((await call(token, 'GET', '/roles')).status, 200, 'added through this instance: allowed at once');

    // Renamed: the role's name in the member's cached row would be stale; it is read again.
    assert.equal((await call(admin, 'PUT', `/roles/${role.body.id}`, { name: 'CacheAuditors' })).status, 200);
    assert.equal((await call(token, 'GET', '/roles')).status, 200, 'renamed through this instance: still allowed at once');

    assert.equal((await call(admin, 'DELETE', `/roles/${role.body.id}/users`, { users: [{ id }] })).status, 204);
    const refused = await call(token, 'GET', '/roles');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'User has insufficent permission to read roles.');
  });

  test('a role deleted through the API takes its permission from its members at once', async () => {
    const token = await signedInUser(t, 'cache_role_deleted');
    const id = await idOf(token);
    const role = await call(admin, 'POST', '/roles', { name: 'CacheTemporary' });
    await call(admin, 'POST', `/roles/${role.body.id}/permissions`, { permissibleName: 'users', read: true });
    await call(admin, 'POST', `/roles/${role.body.id}/users`, { users: [{ id }] });
    assert.equal((await call(token, 'GET', '/users')).status, 200);
    assert.equal((await call(admin, 'DELETE', `/roles/${role.body.id}`)).status, 204);
    assert.equal((await call(token, 'GET', '/users')).status, 403);
  });

  test('users/me shows a change at once, made through the API or around it', async () => {
    const token = await signedInUser(t, 'cache_me');
    const id = await idOf(token);
    assert.equal((await me(token)).body.firstName, null);
    const updated = await call(admin, 'PUT', `/users/${id}`, { firstName: 'Ada' });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal((await me(token)).body.firstName, 'Ada');
    await t.server.store.users.updatePersonalInformation(accountId, id, { firstName: 'Grace', lastName: null, phoneNumber: null, emailAddress: null });
    assert.equal((await me(token)).body.firstName, 'Grace', 'no clock move: users/me is not answered from the cache');
    await giveRole(t, 'cache_me', 'CacheMeRole');
    const roles = (await me(token)).body.roles as { name: string }[];
    assert.deepEqual(roles.map((r) => r.name), ['CacheMeRole']);
  });
});
