import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../helpers/http.js';
import { giveRole, grantsOf, signedInUser } from '../helpers/roles.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

type Action = 'create' | 'read' | 'update' | 'delete';
const actions: Action[] = ['create', 'read', 'update', 'delete'];
const ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';

const sentences: Record<Action, string> = {
  create: 'User has insufficent permission to create meshes or specific mesh.',
  read: 'User has insufficent permission to read meshes or mesh.',
  update: 'User has insufficent permission to update meshes or mesh.',
  delete: 'User has insufficent permission to delete meshes or mesh.',
};

/** Every meshes route, by the action it needs. */
const routesOf = (mesh: string): [Action, string, string, unknown][] => [
  ['create', 'POST', `/meshes/${mesh}`, { x: 1 }],
  ['read', 'GET', `/meshes/${mesh}/${ID}`, undefined],
  ['read', 'GET', `/meshes/${mesh}?filter={}`, undefined],
  ['update', 'PUT', `/meshes/${mesh}/${ID}`, { x: 2 }],
  ['update', 'PATCH', `/meshes/${mesh}`, { filter: '{}', update: '{ $set: { y: 1 } }' }],
  ['delete', 'DELETE', `/meshes/${mesh}/${ID}`, undefined],
  ['delete', 'DELETE', `/meshes/${mesh}?filter={"nothing":1}`, undefined],
];

/** Permissions of the meshes routes: `meshes` covers every mesh, `meshes.{mesh}` one mesh, each action on its own. */
describe('meshes API: permissions', () => {
  let t: TestServer;
  const call = (token: string, method: string, path: string, body?: unknown) =>
    request(`${t.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  before(async () => {
    t = await startTestServer({ logLevel: 'warn' });
    // No default permissions: only roles open the meshes.
    await t.setAccountSettings({ defaultPermissions: [] });
  });
  after(() => t.close());

  /** What a caller may do: the actions it is allowed, by mesh; the rest must be 403 with the route's sentence. */
  async function assertAllowed(token: string, allowed: Record<string, Action[]>, who: string): Promise<void> {
    const failures: string[] = [];
    for (const [mesh, may] of Object.entries(allowed)) {
      for (const [action, method, path, body] of routesOf(mesh)) {
        const res = await call(token, method, path, body);
        const expected = may.includes(action);
        if (expected && (res.status === 401 || res.status === 403)) failures.push(`${who} ${method} ${path}: ${res.status} ${res.body.message}, expected allowed`);
        if (!expected && (res.status !== 403 || res.body.message !== sentences[action] || res.body.code !== `meshes_${action}_forbidden`)) {
          failures.push(`${who} ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}, expected 403 "${sentences[action]}"`);
        }
      }
    }
    assert.deepEqual(failures, []);
  }

  test('without a grant every route is 403 with its documented sentence; an anonymous user too', async () => {
    await assertAllowed(await signedInUser(t, 'no_grants'), { person: [] }, 'no grants');
    await assertAllowed((await login(t)).access_token, { person: [] }, 'anonymous');
  });

  test('a `meshes` grant covers every mesh, action by action', async () => {
    for (const action of actions) {
      const user = `all_${action}`;
      const token = await signedInUser(t, user);
      await giveRole(t, user, `AllMeshes${action}`, grantsOf({ meshes: action[0]! }));
      await assertAllowed(token, { person: [action], animal: [action] }, user);
    }
  });

  test('a `meshes.person` grant covers that mesh in any case and no other, action by action', async () => {
    for (const action of actions) {
      const user = `person_${action}`;
      const token = await signedInUser(t, user);
      await giveRole(t, user, `PersonMesh${action}`, grantsOf({ 'meshes.person': action[0]! }));
      await assertAllowed(token, { person: [action], Person: [action], PERSON: [action], animal: [], persons: [] }, user);
    }
  });

  test('a grant of every action on one mesh: the whole flow on it, nothing on another', async () => {
    const token = await signedInUser(t, 'person_crud');
    await giveRole(t, 'person_crud', 'PersonCrud', grantsOf({ 'meshes.person': 'crud' }));
    const created = await call(token, 'POST', '/meshes/person', { firstName: 'Bob' });
    assert.equal(created.status, 201);
    const id = created.body._id as string;
    assert.equal((await call(token, 'GET', `/meshes/Person/${id}`)).status, 200);
    assert.equal((await call(token, 'PUT', `/meshes/person/${id}`, { firstName: 'Rob' })).status, 200);
    assert.equal((await call(token, 'DELETE', `/meshes/person/${id}`)).status, 204);
    assert.equal((await call(token, 'POST', '/meshes/animal', { kind: 'cat' })).status, 403);
  });

  test('the permissibles list `meshes.{mesh}` for each mesh that holds or has held documents', async () => {
    const token = await signedInUser(t, 'roles_reader');
    await giveRole(t, 'roles_reader', 'RolesReader', grantsOf({ roles: 'r', meshes: 'c' }));
    assert.equal((await call(token, 'POST', '/meshes/Zebra', { stripes: true })).status, 201);
    const found = await call(token, 'GET', '/permissibles?name=meshes&pageSize=200');
    const names = found.body.results.map((p: { name: string }) => p.name);
    assert.ok(names.includes('meshes'));
    assert.ok(names.includes('meshes.zebra'), names.join(', '));
    assert.deepEqual(found.body.results.find((p: { name: string }) => p.name === 'meshes.zebra'), { name: 'meshes.zebra', canCreate: true, canUpdate: true, canRead: true, canDelete: true });
  });
});
