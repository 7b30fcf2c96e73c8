import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { get, postForm, postJson, request } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SCOPE } from '../helpers/tokens.js';

/** intro/getting_started_rest.rst over HTTP, step by step, with the page's own requests. */
describe('getting started (REST) with mesh data', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ logLevel: 'warn' });
  });
  after(() => t.close());

  test('register, log in, read self, create, update, search by regex and delete data', async () => {
    assert.deepEqual((await get(`${t.base}/users/mctesterton/exists`)).body, { exists: false });
    assert.equal((await postJson(`${t.base}/users/register/anonymous`, { username: 'mctesterton' })).status, 201);
    const login = await postForm(`${t.base}/connect/token`, { client_id: t.publicKey, grant_type: 'password', username: 'mctesterton', password: 'nopassword', scope: SCOPE });
    assert.equal(login.status, 200);
    const auth = { authorization: `Bearer ${login.body.access_token}` };
    const me = await get(`${t.base}/users/me`, auth);
    const userId = me.body.id as string;

    const json = (method: string, path: string, body?: unknown) =>
      request(`${t.base}${path}`, { method, headers: { ...auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const created = await json('POST', '/meshes/person', { firstName: 'Bob', lastName: 'Bobson', userId });
    assert.equal(created.status, 201);
    const id = created.body._id as string;
    assert.deepEqual(created.body, { _id: id, firstName: 'Bob', lastName: 'Bobson', userId });

    const updated = await json('PUT', `/meshes/person/${id}`, { firstName: 'Robert', lastName: 'Bobson', userId });
    assert.deepEqual(updated.body, { _id: id, firstName: 'Robert', lastName: 'Bobson', userId });

    // The page's filter, single quotes and all, as a browser would encode it.
    const found = await get(`${t.base}/meshes/person?filter=${encodeURIComponent(`{ 'firstName': { "$regex": "^Rob" } }`)}`, auth);
    assert.equal(found.status, 200);
    assert.deepEqual(found.body, { page: 1, pageSize: 25, results: [{ _id: id, firstName: 'Robert', lastName: 'Bobson', userId }], totalRecords: 1 });
    const none = await get(`${t.base}/meshes/person?filter=${encodeURIComponent(`{ 'firstName': { "$regex": "^rob" } }`)}`, auth);
    assert.equal(none.body.totalRecords, 0);
    const insensitive = await get(`${t.base}/meshes/person?filter=${encodeURIComponent('{ firstName: /^rob/i }')}`, auth);
    assert.equal(insensitive.body.totalRecords, 1);

    assert.equal((await request(`${t.base}/meshes/person/${id}`, { method: 'DELETE', headers: auth })).status, 204);
    assert.equal((await get(`${t.base}/meshes/person/${id}`, auth)).status, 404);
    assert.equal((await postForm(`${t.base}/connect/revocation`, { client_id: t.publicKey, token: login.body.refresh_token })).status, 200);
  });
});
