import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SdkErrorCodes, type MeshyConnection, type Permission, type Role } from '../src/index.js';
import { loginWithRole, recordingFetch, uniqueRoleName } from './helpers/admin.js';
import { meshyError } from './helpers/meshy-error.js';
import { anonymousLogin, clientFor, startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let admin: MeshyConnection;
let adminUserId: string;
const wire = recordingFetch();

before(async () => {
  t = await startTestServer();
  const logged = await loginWithRole(t, clientFor(t, { fetch: wire.fetch }), ['roles:crud', 'users:crud']);
  admin = logged.connection;
  adminUserId = logged.userId;
});
after(() => t.close());

/** The requests the admin's connection sent since `from` (an index into wire.sent). */
const sentSince = (from: number) => wire.sent.slice(from);

describe('rolesService: roles', () => {
  test('create, get, search, update and delete a role as the docs write them', async () => {
    const name = uniqueRoleName('Editor');
    const created: Role = await admin.rolesService.create({ name, description: 'Edits things.' });
    assert.equal(created.name, name);
    assert.equal(created.description, 'Edits things.');
    assert.match(created.id, /\S/);

    const fetched = await admin.rolesService.get(created.id);
    assert.deepEqual([fetched.id, fetched.name, fetched.description], [created.id, name, 'Edits things.']);

    const found = await admin.rolesService.search({ name: name.toUpperCase(), page: 1, pageSize: 25 });
    assert.equal(found.page, 1);
    assert.equal(found.pageSize, 25);
    assert.equal(found.totalRecords, 1);
    assert.equal(found.results[0]!.id, created.id);
    assert.equal(found.results[0]!.numberOfUsers, 0);

    const updated = await admin.rolesService.update(created.id, { name: `${name}x`, description: null });
    assert.equal(updated.id, created.id);
    assert.equal(updated.name, `${name}x`);
    assert.equal(updated.description, null);
    assert.equal((await admin.rolesService.get(created.id)).name, `${name}x`);

    assert.equal(await admin.rolesService.delete(created.id), undefined);
    const gone = await meshyError(admin.rolesService.get(created.id));
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.reason, 'Role was not found.');
    assert.equal(gone.code, 'role_not_found');
  });

  test('search takes the query as an object or as (name, page, pageSize), with the same answer and the same URL', async () => {
    const prefix = uniqueRoleName('Pager');
    for (const suffix of ['a', 'b', 'c']) await admin.rolesService.create({ name: `${prefix}${suffix}` });
    const from = wire.sent.length;
    const asObject = await admin.rolesService.search({ name: prefix, page: 2, pageSize: 2 });
    const asArguments = await admin.rolesService.search(prefix, 2, 2);
    assert.deepEqual(asArguments, asObject);
    assert.equal(asObject.totalRecords, 3);
    assert.equal(asObject.page, 2);
    assert.deepEqual(asObject.results.map((r) => r.name), [`${prefix}c`]);
    const [first, second] = sentSince(from);
    assert.equal(first!.url, `${t.base}/roles?name=${prefix}&page=2&pageSize=2`);
    assert.equal(second!.url, first!.url);

    const all = await admin.rolesService.search();
    assert.equal(all.page, 1);
    assert.equal(all.pageSize, 25);
    assert.ok(all.totalRecords >= 3);
    assert.equal(sentSince(from)[2]!.url, `${t.base}/roles`, 'omitted parameters are left to the server');
  });

  test("the server's refusals are MeshyErrors with the documented reasons", async () => {
    const name = uniqueRoleName('Twice');
    await admin.rolesService.create({ name });
    const taken = await meshyError(admin.rolesService.create({ name: name.toLowerCase() }));
    assert.equal(taken.statusCode, 400);
    assert.equal(taken.reason, 'Role already exists.');
    const notAlpha = await meshyError(admin.rolesService.create({ name: 'Two words' }));
    assert.equal(notAlpha.statusCode, 400);
    assert.equal(notAlpha.reason, 'Name can only be alpha characters only.');
    const page = await meshyError(admin.rolesService.search({ page: 0 }));
    assert.equal(page.statusCode, 400);
    assert.equal(page.code, 'page_invalid');
  });

  test('a user without permissions on roles gets 403 with the reason of each action', async () => {
    const { connection } = await anonymousLogin(clientFor(t));
    const create = await meshyError(connection.rolesService.create({ name: uniqueRoleName() }));
    assert.equal(create.statusCode, 403);
    assert.equal(create.reason, 'User has insufficent permission to create roles.');
    const read = await meshyError(connection.rolesService.search());
    assert.equal(read.statusCode, 403);
    assert.equal(read.reason, 'User has insufficent permission to read roles.');
  });
});

describe('rolesService: permissions', () => {
  test('create, get, search, update and delete a permission; flags written as "true" go out as booleans', async () => {
    const role = await admin.rolesService.create({ name: uniqueRoleName('Reader') });
    const from = wire.sent.length;
    // The docs' REST example writes the flags as strings.
    const created: Permission = await admin.rolesService.createPermission(role.id, {
      permissibleName: 'meshes',
      create: 'false',
      update: 'false',
      read: 'true',
      delete: false,
    });
    assert.deepEqual(JSON.parse(sentSince(from)[0]!.body!), { permissibleName: 'meshes', create: false, update: false, read: true, delete: false });
    assert.deepEqual(created, { id: created.id, permissibleName: 'meshes', create: false, update: false, read: true, delete: false });

    assert.deepEqual(await admin.rolesService.getPermission(role.id, created.id), created);

    const asObject = await admin.rolesService.searchPermission(role.id, { permissibleName: 'MESH', page: 1, pageSize: 10 });
    assert.deepEqual(asObject, { page: 1, pageSize: 10, results: [created], totalRecords: 1 });
    assert.deepEqual(await admin.rolesService.searchPermission(role.id, 'MESH', 1, 10), asObject);
    assert.deepEqual((await admin.rolesService.searchPermission(role.id)).results, [created]);

    const updated = await admin.rolesService.updatePermission(role.id, created.id, { permissibleName: 'meshes', read: true, update: 'true' });
    assert.equal(updated.update, true);
    assert.equal(updated.read, true);
    assert.deepEqual(await admin.rolesService.getPermission(role.id, created.id), updated);

    assert.equal(await admin.rolesService.deletePermission(role.id, created.id), undefined);
    const gone = await meshyError(admin.rolesService.getPermission(role.id, created.id));
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.reason, 'Permission was not found.');
  });

  test("a permission's refusals carry the documented reasons", async () => {
    const role = await admin.rolesService.create({ name: uniqueRoleName('Strict') });
    const noFlag = await meshyError(admin.rolesService.createPermission(role.id, { permissibleName: 'meshes', read: 'false' }));
    assert.equal(noFlag.statusCode, 400);
    assert.equal(noFlag.reason, 'At least one of the following must be set: Create, Update, Read, Delete.');
    await admin.rolesService.createPermission(role.id, { permissibleName: 'meshes.person', read: true });
    const overlap = await meshyError(admin.rolesService.createPermission(role.id, { permissibleName: 'meshes', read: true }));
    assert.equal(overlap.statusCode, 400);
    assert.equal(overlap.code, 'permissible_overlap');
  });

  test('searchPermissible takes (name, page, pageSize) as the docs write it, or an object as MeshyDB\'s SDK does', async () => {
    const from = wire.sent.length;
    const asArguments = await admin.rolesService.searchPermissible('mesh', 1, 25);
    const asObject = await admin.rolesService.searchPermissible({ name: 'mesh', page: 1, pageSize: 25 });
    assert.deepEqual(asObject, asArguments);
    assert.equal(sentSince(from)[0]!.url, `${t.base}/permissibles?name=mesh&page=1&pageSize=25`);
    const meshes = asArguments.results.find((p) => p.name === 'meshes');
    assert.deepEqual(meshes, { name: 'meshes', canCreate: true, canUpdate: true, canRead: true, canDelete: true });
    const all = await admin.rolesService.searchPermissible();
    assert.ok(['meshes', 'roles', 'users'].every((name) => all.results.some((p) => p.name === name)));
  });
});

describe('rolesService: members', () => {
  test('addUsers and removeUsers send { users: [{ id }] } to roles/{roleId}/users, POST and DELETE', async () => {
    const role = await admin.rolesService.create({ name: uniqueRoleName('Crew') });
    const member = await admin.usersService.create({ username: `crew${uniqueRoleName('')}`, newPassword: 'crew pa55word!', verified: true, isActive: true });
    const batch = { users: [{ id: member.id }] };

    const from = wire.sent.length;
    assert.equal(await admin.rolesService.addUsers(role.id, batch), undefined);
    assert.deepEqual((await admin.usersService.get(member.id)).roles.map((r) => r.name), [role.name]);
    assert.equal((await admin.rolesService.search({ name: role.name })).results[0]!.numberOfUsers, 1);
    assert.deepEqual((await admin.usersService.search({ roleId: role.id })).results.map((u) => u.id), [member.id]);

    assert.equal(await admin.rolesService.removeUsers(role.id, batch), undefined);
    assert.deepEqual((await admin.usersService.get(member.id)).roles, []);

    const [add, remove] = sentSince(from).filter((request) => request.url.endsWith(`/roles/${role.id}/users`));
    assert.deepEqual([add!.method, add!.url, JSON.parse(add!.body!)], ['POST', `${t.base}/roles/${role.id}/users`, batch]);
    assert.deepEqual([remove!.method, remove!.url, JSON.parse(remove!.body!)], ['DELETE', `${t.base}/roles/${role.id}/users`, batch]);
  });

  test('adding users to a role that does not exist is a 404', async () => {
    const error = await meshyError(admin.rolesService.addUsers('000000000000000000000000', { users: [{ id: adminUserId }] }));
    assert.equal(error.statusCode, 404);
    assert.equal(error.reason, 'Role was not found.');
  });
});

describe('ids in paths', () => {
  test('are percent-encoded, so an id stays one path segment', async () => {
    const from = wire.sent.length;
    const error = await meshyError(admin.rolesService.getPermission('a/b?c', 'd#e'));
    assert.equal(sentSince(from)[0]!.url, `${t.base}/roles/a%2Fb%3Fc/permissions/d%23e`);
    assert.equal(error.statusCode, 404);
  });

  test('an empty id, "." or ".." is refused before any request, as argument_invalid', async () => {
    const from = wire.sent.length;
    for (const call of [
      () => admin.rolesService.get(''),
      () => admin.rolesService.delete('..'),
      () => admin.rolesService.getPermission('x', '.'),
      () => admin.rolesService.addUsers('', { users: [] }),
      () => admin.usersService.get('..'),
      () => admin.usersService.delete(''),
    ]) {
      const error = await meshyError(call());
      assert.equal(error.code, SdkErrorCodes.argumentInvalid);
      assert.equal(error.statusCode, 0);
    }
    assert.deepEqual(sentSince(from), []);
  });
});

describe('currentUser', () => {
  test("lists the token's permission claims as permissible:action", () => {
    const permissions = admin.currentUser!.permissions;
    for (const claim of ['roles:create', 'roles:read', 'roles:update', 'roles:delete', 'users:create', 'users:read', 'users:update', 'users:delete']) {
      assert.ok(permissions.includes(claim), `${claim} in ${permissions.join(', ')}`);
    }
    assert.equal(admin.currentUser!.roles.length, 1);
  });
});
