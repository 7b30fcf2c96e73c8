import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../../helpers/http.js';
import { giveRole, grantsOf, signedInUser } from '../../helpers/roles.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/** Running projections over real meshes: pushdown, the engine, lookups, $$USER, and authority. */
describe('projections API: runs over meshes', () => {
  let t: TestServer;
  let admin: string;
  let ada: string;
  let bob: string;
  let adaId: string;
  let bobId: string;
  const call = (method: string, path: string, body?: unknown, token = admin) =>
    request(`${t.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const reason = (res: { status: number; body: { message?: string; code?: string } }) => `${res.status} ${res.body.code}: ${res.body.message}`;
  const define = async (name: string, pipeline: unknown[], mesh = 'orders') => {
    const res = await call('POST', '/projections', { name, mesh, pipeline });
    assert.equal(res.status, 201, reason(res));
  };
  const run = async (name: string, query = '', token = admin) => {
    const res = await call('GET', `/projections/${name}${query}`, undefined, token);
    assert.equal(res.status, 200, reason(res));
    return res.body as { page: number; pageSize: number; results: Record<string, unknown>[]; totalRecords: number };
  };
  const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

  before(async () => {
    t = await startTestServer({ logLevel: 'debug' });
    await t.setAccountSettings({ defaultPermissions: [] });
    admin = await signedInUser(t, 'run_admin');
    await giveRole(t, 'run_admin', 'Owner', grantsOf({ projections: 'crud', meshes: 'crud' }));
    ada = await signedInUser(t, 'ada');
    bob = await signedInUser(t, 'bob');
    await giveRole(t, 'ada', 'Viewer', grantsOf({ projections: 'r' }));
    await giveRole(t, 'bob', 'Member');
    adaId = (await call('GET', '/users/me', undefined, ada)).body.id;
    bobId = (await call('GET', '/users/me', undefined, bob)).body.id;
    const states = ['WI', 'WI', 'MN', 'WI', 'IL', 'MN'];
    const orders = states.map((state, i) => ({ state, status: i % 3 === 2 ? 'D' : 'A', price: 10 * (i + 1), item: i % 2 ? 'pecans' : 'almonds', ownerId: i % 2 ? bobId : adaId }));
    assert.equal((await call('POST', '/meshes/orders', orders)).status, 201);
    assert.equal((await call('POST', '/meshes/inventory', [{ sku: 'almonds', instock: 120 }, { sku: 'pecans', instock: 70 }])).status, 201);
  });
  after(() => t.close());

  test('$match + $group + $sort: the docs\' popular states, with filter, orderBy and paging over the output', async () => {
    await define('popularStates', [{ $match: { status: 'A' } }, { $group: { _id: '$state', attractions: { $sum: 1 } } }, { $sort: { attractions: -1, _id: 1 } }]);
    const all = await run('popularStates');
    // Active orders (status A) are rows 0, 1, 3 (WI) and 4 (IL).
    assert.deepEqual(all, { page: 1, pageSize: 25, results: [{ _id: 'WI', attractions: 3 }, { _id: 'IL', attractions: 1 }], totalRecords: 2 });
    const filtered = await run('popularStates', q({ filter: '{ attractions: { $lt: 3 } }' }));
    assert.deepEqual(filtered, { page: 1, pageSize: 25, results: [{ _id: 'IL', attractions: 1 }], totalRecords: 1 });
    const ordered = await run('popularStates', q({ orderBy: '{ "_id": -1 }' }));
    assert.deepEqual(ordered.results.map((r) => r._id), ['WI', 'IL']);
    const paged = await run('popularStates', q({ page: '2', pageSize: '1' }));
    assert.deepEqual(paged, { page: 2, pageSize: 1, results: [{ _id: 'IL', attractions: 1 }], totalRecords: 2 });
  });

  test('a pipeline of $match and $sort runs wholly in SQL, the request\'s filter and paging too, answering stored documents as written', async () => {
    await define('activeOrders', [{ $match: { status: 'A' } }, { $sort: { price: -1 } }]);
    const before = t.logs.length;
    const res = await run('activeOrders', q({ filter: '{ state: "WI" }', pageSize: '2' }));
    assert.deepEqual(res.results.map((o) => o.price), [40, 20]);
    assert.equal(res.totalRecords, 3);
    const mesh = await call('GET', `/meshes/orders/${res.results[0]!._id}`);
    assert.deepEqual(res.results[0], mesh.body);
    const plans = t.logs.slice(before).filter((line) => line.includes('projection run')).map((line) => JSON.parse(line).plan);
    assert.deepEqual(plans.map((p) => ({ sqlOnly: p.sqlOnly, engineStages: p.engineStages, engineMs: p.engineMs })), [{ sqlOnly: true, engineStages: 0, engineMs: 0 }]);
    assert.match((await call('GET', '/projections/popularStates')).headers.get('server-timing') ?? '', /^sql;dur=\d+\.\d, engine;dur=\d+\.\d$/);
  });

  test('$lookup reads another mesh of the account (named in any case)', async () => {
    await define('withStock', [{ $match: { state: 'IL' } }, { $lookup: { from: 'Inventory', localField: 'item', foreignField: 'sku', as: 'stock' } }, { $project: { _id: 0, item: 1, instock: { $first: '$stock.instock' } } }]);
    assert.deepEqual((await run('withStock')).results, [{ item: 'almonds', instock: 120 }]);
  });

  test('$$USER: one stored projection shows each user only their own rows', async () => {
    await define('myOrders', [{ $match: { $expr: { $eq: ['$ownerId', '$$USER.id'] } } }, { $project: { _id: 0, price: 1, who: '$$USER.username' } }, { $sort: { price: 1 } }]);
    assert.deepEqual((await run('myOrders', '', ada)).results, [{ price: 10, who: 'ada' }, { price: 30, who: 'ada' }, { price: 50, who: 'ada' }]);
    // bob holds no projections permission yet: a role on this one projection is enough, and no mesh permission is needed.
    assert.equal(reason(await call('GET', '/projections/myOrders', undefined, bob)), '403 projections_read_forbidden: User has insufficent permission to read projections.');
    await giveRole(t, 'bob', 'MyOrdersOnly', grantsOf({ 'projections.myOrders': 'r' }));
    assert.equal((await call('GET', '/meshes/orders', undefined, bob)).status, 403);
    assert.deepEqual((await run('myOrders', '', bob)).results.map((o) => o.price), [20, 40, 60]);
  });

  test('$facet, $bucket, $unwind and $sortByCount in one pipeline', async () => {
    await define('overview', [
      { $facet: { byItem: [{ $sortByCount: '$item' }], prices: [{ $bucket: { groupBy: '$price', boundaries: [0, 30, 100], default: 'other', output: { n: { $sum: 1 } } } }] } },
    ]);
    // A price equal to a boundary (30) falls in the bucket it opens, as in MongoDB.
    assert.deepEqual((await run('overview')).results, [{ byItem: [{ _id: 'almonds', count: 3 }, { _id: 'pecans', count: 3 }], prices: [{ _id: 0, n: 2 }, { _id: 30, n: 4 }] }]);
  });

  test('a run that fails over the documents is a 400 with its own code, not a 500', async () => {
    await define('broken', [{ $project: { x: { $divide: ['$price', 0] } } }]);
    const res = await call('GET', '/projections/broken');
    assert.equal(reason(res), '400 projection_failed: Projection could not be run over the documents.');
  });
});
