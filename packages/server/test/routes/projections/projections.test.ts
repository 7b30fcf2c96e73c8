import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../../helpers/http.js';
import { giveRole, grantsOf, signedInUser } from '../../helpers/roles.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/** data/projecting.rst, black box: definitions, running, permissions and every documented sentence. */
describe('projections API', () => {
  let t: TestServer;
  let admin: string;
  let reader: string;
  let oneReader: string;
  let nobody: string;
  const call = (method: string, path: string, body?: unknown, token = admin) =>
    request(`${t.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const reason = (res: { status: number; body: { message?: string; code?: string } }) => `${res.status} ${res.body.code}: ${res.body.message}`;
  const define = (name: string, pipeline: unknown[], mesh = 'orders') => call('POST', '/projections', { name, mesh, pipeline, description: `${name} report` });

  before(async () => {
    t = await startTestServer();
    // MeshyDB's default lets every user read every projection; these tests grant by role alone.
    await t.setAccountSettings({ defaultPermissions: [] });
    admin = await signedInUser(t, 'proj_admin');
    await giveRole(t, 'proj_admin', 'Reporter', grantsOf({ projections: 'crud', roles: 'crud' }));
    reader = await signedInUser(t, 'proj_reader');
    await giveRole(t, 'proj_reader', 'Readers', grantsOf({ projections: 'r' }));
    nobody = await signedInUser(t, 'proj_nobody');
  });
  after(() => t.close());

  test('create, list, update and delete a definition', async () => {
    const created = await define('popularStates', [{ $group: { _id: '$state', attractions: { $sum: 1 } } }]);
    assert.equal(created.status, 201, reason(created));
    assert.deepEqual(Object.keys(created.body), ['id', 'name', 'mesh', 'description', 'pipeline']);
    assert.equal(created.body.mesh, 'orders');
    const listed = await call('GET', '/projections?page=1&pageSize=10');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.results.map((p: { name: string }) => p.name), ['popularStates']);
    assert.equal(reason(await define('POPULARSTATES', [])), '400 projection_name_taken: Projection already exists.');
    const updated = await call('PUT', '/projections/popularstates', { description: 'by state', pipeline: [{ $count: 'n' }] });
    assert.equal(updated.status, 200, reason(updated));
    assert.equal(updated.body.name, 'popularStates');
    assert.equal(updated.body.description, 'by state');
    assert.deepEqual(updated.body.pipeline, [{ $count: 'n' }]);
    assert.equal((await call('DELETE', '/projections/popularStates')).status, 204);
    assert.equal(reason(await call('DELETE', '/projections/popularStates')), '404 projection_not_found: Projection was not found.');
    assert.equal(reason(await call('PUT', '/projections/popularStates', { description: 'x' })), '404 projection_not_found: Projection was not found.');
  });

  const refused: [string, unknown, string][] = [
    ['no name', { mesh: 'orders', pipeline: [] }, '400 projection_name_required: Projection name is required.'],
    ['a name with digits', { name: 'report2', mesh: 'orders', pipeline: [] }, '400 projection_name_invalid: Projection name is invalid and must be alpha characters only.'],
    ['a mesh with a dot', { name: 'r', mesh: 'other.orders', pipeline: [] }, '400 projection_mesh_invalid: Mesh name is invalid and must be alpha characters only.'],
    ['no pipeline', { name: 'r', mesh: 'orders' }, '400 pipeline_invalid: Pipeline must be a list of stages.'],
    ['$out', { name: 'r', mesh: 'orders', pipeline: [{ $match: {} }, { $out: 'copy' }] }, '400 pipeline_invalid: Pipeline stage 2 ($out) writes a collection.'],
    ['$merge', { name: 'r', mesh: 'orders', pipeline: [{ $merge: { into: 'x' } }] }, '400 pipeline_invalid: Pipeline stage 1 ($merge) writes a collection.'],
    ['$function', { name: 'r', mesh: 'orders', pipeline: [{ $addFields: { x: { $function: { body: 'return 1', args: [], lang: 'js' } } } }] }, '400 pipeline_invalid: Pipeline stage 1 ($addFields) uses $function, which runs code.'],
    ['$where', { name: 'r', mesh: 'orders', pipeline: [{ $match: { $where: 'sleep(1000)' } }] }, '400 pipeline_invalid: Pipeline stage 1 ($match) uses $where, which runs code.'],
    ['an unknown stage', { name: 'r', mesh: 'orders', pipeline: [{ $collStats: {} }] }, '400 pipeline_invalid: Pipeline stage 1 ($collStats) is not a supported stage.'],
    ['a lookup into another database', { name: 'r', mesh: 'orders', pipeline: [{ $lookup: { from: { db: 'other', coll: 'x' }, as: 'y', localField: 'a', foreignField: 'b' } }] }, '400 pipeline_invalid: Pipeline stage 1 ($lookup) must read from a mesh of this account, named by alpha characters only.'],
  ];
  for (const [what, body, expected] of refused) {
    test(`a definition with ${what} is refused when stored`, async () => {
      assert.equal(reason(await call('POST', '/projections', body)), expected);
    });
  }

  test('runs answer the documented body; filter, orderBy and paging apply to the output', async () => {
    assert.equal((await define('counted', [{ $count: 'n' }])).status, 201);
    const res = await call('GET', '/projections/counted?page=1&pageSize=25', undefined, reader);
    assert.equal(res.status, 200, reason(res));
    assert.deepEqual(res.body, { page: 1, pageSize: 25, results: [], totalRecords: 0 });
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(reason(await call('GET', '/projections/counted?orderBy=%7Bname%3A', undefined, reader)), '400 projection_order_by_invalid: Order by is invalid.');
    assert.equal(reason(await call('GET', '/projections/counted?filter=%7B%24where%3A1%7D', undefined, reader)), '400 projection_filter_invalid: Filter is in an invalid format. It must be in a valid Mongo DB format.');
    assert.equal(reason(await call('GET', '/projections/counted?pageSize=201', undefined, reader)), '400 page_size_invalid: Page size must be a whole number from 1 to 200.');
    assert.equal(reason(await call('GET', '/projections/nosuch', undefined, reader)), '404 projection_not_found: Projection was not found.');
    assert.equal(reason(await call('GET', '/projections/', undefined, reader)), '400 projection_name_required: Projection name is required.');
    assert.equal(reason(await call('GET', '/projections/%20', undefined, reader)), '400 projection_name_required: Projection name is required.');
  });

  test('reading needs projections or projections.{name} read; defining needs create, update, delete', async () => {
    assert.equal((await define('mine', [{ $count: 'n' }])).status, 201);
    assert.equal((await define('theirs', [{ $count: 'n' }])).status, 201);
    // projections.{name} must name a stored projection: the permissible exists now.
    oneReader = await signedInUser(t, 'proj_one');
    await giveRole(t, 'proj_one', 'MineOnly', grantsOf({ 'projections.mine': 'r' }));
    assert.equal((await call('GET', '/projections/mine', undefined, oneReader)).status, 200);
    assert.equal((await call('GET', '/projections/MINE', undefined, oneReader)).status, 200);
    const forbidden = '403 projections_read_forbidden: User has insufficent permission to read projections.';
    assert.equal(reason(await call('GET', '/projections/theirs', undefined, oneReader)), forbidden);
    assert.equal(reason(await call('GET', '/projections/mine', undefined, nobody)), forbidden);
    assert.equal(reason(await call('GET', '/projections', undefined, oneReader)), forbidden);
    assert.equal(reason(await call('POST', '/projections', { name: 'x', mesh: 'orders', pipeline: [] }, reader)), '403 projections_create_forbidden: User has insufficent permission to create projections.');
    assert.equal(reason(await call('PUT', '/projections/mine', { description: 'x' }, reader)), '403 projections_update_forbidden: User has insufficent permission to update projections.');
    assert.equal(reason(await call('DELETE', '/projections/mine', undefined, reader)), '403 projections_delete_forbidden: User has insufficent permission to delete projections.');
    assert.equal((await request(`${t.base}/projections/mine`, {})).status, 401);
    const permissibles = await call('GET', '/permissibles?name=projections.');
    assert.deepEqual(
      permissibles.body.results.map((p: { name: string }) => p.name),
      ['projections.counted', 'projections.mine', 'projections.theirs'],
    );
    // The roles API accepts a permission on a stored projection, and refuses one on none.
    const role = await call('POST', '/roles', { name: 'viewers' });
    assert.equal((await call('POST', `/roles/${role.body.id}/permissions`, { permissibleName: 'projections.theirs', read: true })).status, 201);
    assert.equal(reason(await call('POST', `/roles/${role.body.id}/permissions`, { permissibleName: 'projections.gone', read: true })), '400 permissible_not_found: Permissible does not exist.');
  });
});
