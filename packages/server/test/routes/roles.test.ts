import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../helpers/http.js';
import { decodeJwt } from '../helpers/jwt.js';
import { giveRole, grantsOf, relogin, signedInUser } from '../helpers/roles.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login, refreshGrant } from '../helpers/tokens.js';

/** roles/*.rst, black box: every path, body, status and documented sentence. */
describe('roles API', () => {
  let t: TestServer;
  let admin: string;
  const call = (method: string, path: string, body?: unknown, token = admin) =>
    request(`${t.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const reason = (res: { status: number; body: { message?: string; code?: string } }) => `${res.status} ${res.body.code}: ${res.body.message}`;

  before(async () => {
    t = await startTestServer();
    admin = await signedInUser(t, 'root_admin');
    await giveRole(t, 'root_admin', 'Admin', grantsOf({ roles: 'crud', users: 'crud' }));
  });
  after(() => t.close());

  test('create, get, search, update and delete a role, with the documented bodies', async () => {
    const created = await call('POST', '/roles', { name: 'test', description: '...' });
    assert.equal(created.status, 201, reason(created));
    assert.deepEqual(Object.keys(created.body), ['name', 'description', 'id']);
    assert.equal(created.body.name, 'test');
    assert.match(created.body.id, /^[0-9a-f]{24}$/);
    const id = created.body.id as string;
    assert.deepEqual((await call('GET', `/roles/${id}`)).body, created.body);
    const found = await call('GET', '/roles?name=TES&page=1&pageSize=10');
    assert.deepEqual(found.body, { page: 1, pageSize: 10, results: [{ name: 'test', description: '...', id, numberOfUsers: 0 }], totalRecords: 1 });
    const renamed = await call('PUT', `/roles/${id}`, { name: 'tester', description: 'renamed' });
    assert.deepEqual(renamed.body, { name: 'tester', description: 'renamed', id });
    assert.equal((await call('DELETE', `/roles/${id}`)).status, 204);
    const gone = await call('GET', `/roles/${id}`);
    assert.equal(reason(gone), '404 role_not_found: Role was not found.');
    assert.equal(reason(await call('PUT', `/roles/${id}`, { name: 'x' })), '404 role_not_found: Role was not found.');
    assert.equal(reason(await call('DELETE', `/roles/${id}`)), '404 role_not_found: Role was not found.');
  });

  const badNames: [unknown, string][] = [
    [{}, '400 role_name_required: Name is required.'],
    [{ name: '  ' }, '400 role_name_required: Name is required.'],
    [{ name: 'two words' }, '400 role_name_invalid: Name can only be alpha characters only.'],
    [{ name: 'abc1' }, '400 role_name_invalid: Name can only be alpha characters only.'],
    [{ name: 'meshy.user' }, "400 role_name_reserved: Role cannot start with 'meshy.'."],
    [{ name: 'Admin' }, '400 role_name_taken: Role already exists.'],
    [{ name: 'ADMIN' }, '400 role_name_taken: Role already exists.'],
    [{ name: 5 }, '400 field_invalid: name must be a string.'],
  ];
  for (const [body, expected] of badNames) {
    test(`a role named ${JSON.stringify(body)}: ${expected}`, async () => {
      assert.equal(reason(await call('POST', '/roles', body)), expected);
    });
  }

  test('paging: defaults, limits and bad values with a reason', async () => {
    for (const name of ['Alpha', 'Beta', 'Gamma']) assert.equal((await call('POST', '/roles', { name })).status, 201);
    const first = await call('GET', '/roles?pageSize=2');
    assert.equal(first.body.page, 1);
    assert.equal(first.body.pageSize, 2);
    assert.deepEqual(first.body.results.map((r: { name: string }) => r.name), ['Admin', 'Alpha']);
    assert.equal(first.body.totalRecords, 4);
    assert.deepEqual((await call('GET', '/roles?pageSize=2&page=2')).body.results.map((r: { name: string }) => r.name), ['Beta', 'Gamma']);
    assert.equal((await call('GET', '/roles')).body.pageSize, 25);
    assert.equal(reason(await call('GET', '/roles?page=0')), '400 page_invalid: Page must be a whole number from 1.');
    assert.equal(reason(await call('GET', '/roles?page=x')), '400 page_invalid: Page must be a whole number from 1.');
    assert.equal(reason(await call('GET', '/roles?pageSize=201')), '400 page_size_invalid: Page size must be a whole number from 1 to 200.');
    assert.equal((await call('GET', '/roles?pageSize=200')).status, 200);
  });

  test('permissions: string or boolean flags in, booleans out; search, update, delete', async () => {
    const role = (await call('POST', '/roles', { name: 'Editors' })).body.id as string;
    const created = await call('POST', `/roles/${role}/permissions`, { permissibleName: 'meshes', create: 'true', update: 'true', read: 'true', delete: 'false' });
    assert.equal(created.status, 201, reason(created));
    assert.deepEqual({ ...created.body, id: 'x' }, { id: 'x', permissibleName: 'meshes', create: true, update: true, read: true, delete: false });
    const id = created.body.id as string;
    assert.deepEqual((await call('GET', `/roles/${role}/permissions/${id}`)).body, created.body);
    await call('POST', `/roles/${role}/permissions`, { permissibleName: 'users', read: true });
    const page = await call('GET', `/roles/${role}/permissions?permissibleName=mesh`);
    assert.deepEqual(page.body, { page: 1, pageSize: 25, results: [created.body], totalRecords: 1 });
    const changed = await call('PUT', `/roles/${role}/permissions/${id}`, { permissibleName: 'meshes.person', read: true });
    assert.deepEqual(changed.body, { id, permissibleName: 'meshes.person', create: false, update: false, read: true, delete: false });
    assert.equal((await call('DELETE', `/roles/${role}/permissions/${id}`)).status, 204);
    assert.equal(reason(await call('GET', `/roles/${role}/permissions/${id}`)), '404 permission_not_found: Permission was not found.');
    assert.equal(reason(await call('PUT', `/roles/${role}/permissions/${id}`, { permissibleName: 'users', read: true })), '404 permission_not_found: Permission was not found.');
    assert.equal(reason(await call('DELETE', `/roles/${role}/permissions/${id}`)), '404 permission_not_found: Permission was not found.');
  });

  test('every documented reason of a permission, in the documented order', async () => {
    const role = (await call('POST', '/roles', { name: 'Checked' })).body.id as string;
    await call('POST', `/roles/${role}/permissions`, { permissibleName: 'meshes.person', read: true });
    const cases: [string, unknown, string][] = [
      [role, { read: true }, '400 permissible_name_required: Permissible name is required.'],
      [role, { permissibleName: 'meshes' }, '400 permission_flag_required: At least one of the following must be set: Create, Update, Read, Delete.'],
      [role, { permissibleName: 'meshes', read: 'false' }, '400 permission_flag_required: At least one of the following must be set: Create, Update, Read, Delete.'],
      [role, { permissibleName: 'spaceships', read: true }, '400 permissible_not_found: Permissible does not exist.'],
      [role, { permissibleName: 'projections.nope', read: true }, '400 permissible_not_found: Permissible does not exist.'],
      ['aaaaaaaaaaaaaaaaaaaaaaaa', { permissibleName: 'meshes', read: true }, '400 permission_role_not_found: Role does not exist.'],
      [role, { permissibleName: 'MESHES.PERSON', read: true }, '400 permissible_taken: Permissible was already configured for role.'],
      [role, { permissibleName: 'meshes', read: true }, "400 permissible_overlap: A higher permissible cannot be assigned to a role with a specific permission already. IE you cannot have 'meshes' and 'meshes.person' for the role."],
      [role, { permissibleName: 'meshes', read: 'yes' }, '400 field_invalid: read must be a boolean.'],
    ];
    for (const [roleId, body, expected] of cases) assert.equal(reason(await call('POST', `/roles/${roleId}/permissions`, body)), expected, JSON.stringify(body));
  });

  test('members: added and removed with the SDK\'s bodies; anonymous users hold no roles', async () => {
    const role = (await call('POST', '/roles', { name: 'Members' })).body.id as string;
    const member = await signedInUser(t, 'member_one');
    const anon = await login(t);
    const ids = await Promise.all([member, anon.access_token].map(async (token) => (await call('GET', '/users/me', undefined, token)).body.id as string));
    assert.equal((await call('POST', `/roles/${role}/users`, { users: ids.map((id) => ({ id })) })).status, 204);
    assert.deepEqual((await call('GET', '/users/me', undefined, member)).body.roles.map((r: { name: string }) => r.name), ['Members']);
    assert.deepEqual((await call('GET', '/users/me', undefined, anon.access_token)).body.roles, []);
    assert.equal((await call('GET', '/roles?name=members')).body.results[0].numberOfUsers, 1);
    assert.equal((await call('DELETE', `/roles/${role}/users`, { users: [{ id: ids[0] }] })).status, 204);
    assert.deepEqual((await call('GET', '/users/me', undefined, member)).body.roles, []);
    assert.equal(reason(await call('POST', '/roles/aaaaaaaaaaaaaaaaaaaaaaaa/users', { users: [{ id: ids[0] }] })), '404 role_not_found: Role was not found.');
  });

  test('permissibles: the fixed ones with what they support, searchable and paged', async () => {
    const all = await call('GET', '/permissibles');
    assert.deepEqual(all.body.results.map((p: { name: string }) => p.name), ['meshes', 'projections', 'roles', 'users']);
    assert.deepEqual(all.body.results[0], { name: 'meshes', canCreate: true, canUpdate: true, canRead: true, canDelete: true });
    assert.deepEqual((await call('GET', '/permissibles?name=ROL&pageSize=1')).body, {
      page: 1,
      pageSize: 1,
      results: [{ name: 'roles', canCreate: true, canUpdate: true, canRead: true, canDelete: true }],
      totalRecords: 1,
    });
  });

  test('a user without permission on roles gets each route\'s documented 403', async () => {
    const plain = await signedInUser(t, 'plain_user');
    const id = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    const cases: [string, string, unknown, string][] = [
      ['POST', '/roles', { name: 'x' }, 'User has insufficent permission to create roles.'],
      ['GET', `/roles/${id}`, undefined, 'User has insufficent permission to read roles.'],
      ['GET', '/roles', undefined, 'User has insufficent permission to read roles.'],
      ['PUT', `/roles/${id}`, { name: 'x' }, 'User has insufficent permission to update roles.'],
      ['DELETE', `/roles/${id}`, undefined, 'User has insufficent permission to delete roles.'],
      ['POST', `/roles/${id}/permissions`, {}, 'User has insufficent permission to create permissions.'],
      ['POST', `/roles/${id}/users`, { users: [] }, 'User has insufficent permission to update roles.'],
      ['DELETE', `/roles/${id}/users`, { users: [] }, 'User has insufficent permission to update roles.'],
      ['GET', '/permissibles', undefined, 'User has insufficent permission to read roles.'],
    ];
    for (const [method, path, body, sentence] of cases) {
      const res = await call(method, path, body, plain);
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.message, sentence);
    }
    // Before anything else: a malformed body changes nothing for someone who may not call the route.
    const malformed = await request(`${t.base}/roles`, { method: 'POST', headers: { authorization: `Bearer ${plain}`, 'content-type': 'application/json' }, body: '{' });
    assert.equal(malformed.status, 403);
  });

  test('a granted or revoked permission takes effect within two seconds, without a new token; new tokens carry the claims', async () => {
    const token = await signedInUser(t, 'promoted');
    assert.equal((await call('GET', '/roles', undefined, token)).status, 403);
    const role = await giveRole(t, 'promoted', 'Readers', grantsOf({ roles: 'r' }));
    assert.equal((await call('GET', '/roles', undefined, token)).status, 200, 'the same token, two seconds later');
    const claims = decodeJwt(await relogin(t, 'promoted')).payload;
    assert.deepEqual(claims.role, ['Readers']);
    assert.ok((claims.permission as string[]).includes('roles:read'));
    // Revoked through the API by the admin: this process forgets the account's grants at once.
    assert.equal((await call('DELETE', `/roles/${role}/users`, { users: [{ id: claims.sub }] })).status, 204);
    t.clock.advance(2_001);
    assert.equal((await call('GET', '/roles', undefined, token)).status, 403);
    const refreshed = await refreshGrant(t, (await login(t)).refresh_token);
    assert.equal(refreshed.status, 200);
  });
});
