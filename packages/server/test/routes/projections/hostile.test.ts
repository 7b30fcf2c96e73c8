import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../../helpers/http.js';
import { giveRole, grantsOf, signedInUser } from '../../helpers/roles.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const LIMIT = 'You have either hit your API or Database limit. Please review your account.';

/**
 * Hostile pipelines: refused when stored where a bound can say so, else stopped at run time by the
 * caps (stage bytes, documents, the engine thread's heap and time) with a 429 of their own code.
 * Never a 5xx, and the server goes on answering other requests meanwhile and after.
 */
describe('projections API: hostile pipelines', () => {
  let t: TestServer;
  let admin: string;
  const statuses: number[] = [];
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await request(`${t.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    statuses.push(res.status);
    return res;
  };
  const reason = (res: { status: number; body: { message?: string; code?: string } }) => `${res.status} ${res.body.code}: ${res.body.message}`;
  const define = async (name: string, pipeline: unknown[], mesh = 'rows') => {
    const res = await call('POST', '/projections', { name, mesh, pipeline });
    assert.equal(res.status, 201, reason(res));
  };

  before(async () => {
    t = await startTestServer({
      logLevel: 'warn',
      flags: { '--projection-stage-bytes': '20000', '--projection-max-documents': '5000', '--projection-timeout': '3', '--projection-heap': '64' },
    });
    admin = await signedInUser(t, 'hostile_admin');
    await giveRole(t, 'hostile_admin', 'Owner', grantsOf({ projections: 'crud', meshes: 'crud' }));
    const rows = Array.from({ length: 300 }, (_, i) => ({ n: i, group: i % 7, text: 'x'.repeat(100), next: `n${(i + 1) % 300}`, name: `n${i}` }));
    assert.equal((await call('POST', '/meshes/rows', rows)).status, 201);
  });
  after(async () => {
    assert.ok(statuses.every((status) => status < 500), `no 5xx: ${statuses.join(',')}`);
    await t.close();
  });

  test('bounds refused when stored: a huge $bucketAuto, a deep $graphLookup, a huge $sample, nesting', async () => {
    const cases: [unknown[], string][] = [
      [[{ $bucketAuto: { groupBy: '$n', buckets: 1_000_000 } }], 'Pipeline stage 1 ($bucketAuto) needs buckets from 1 to 1000.'],
      [[{ $graphLookup: { from: 'rows', startWith: '$next', connectFromField: 'next', connectToField: 'name', as: 'r', maxDepth: 1e9 } }], 'Pipeline stage 1 ($graphLookup) needs a maxDepth from 0 to 100.'],
      [[{ $sample: { size: 1e9 } }], 'Pipeline stage 1 ($sample) needs a size from 1 to 10000.'],
      [[{ $lookup: { from: 'rows', as: 'a', pipeline: [{ $lookup: { from: 'rows', as: 'b', pipeline: [{ $lookup: { from: 'rows', as: 'c', pipeline: [{ $lookup: { from: 'rows', as: 'd', pipeline: [] } }] } }] } }] } }],
        'Pipeline stage 1 ($lookup) pipeline stage 1 ($lookup) pipeline stage 1 ($lookup) pipeline stage 1 ($lookup) nests pipelines deeper than 3 levels.'],
      [Array.from({ length: 51 }, () => ({ $limit: 1 })), 'Pipeline stages: at most 50.'],
    ];
    for (const [pipeline, expected] of cases) {
      assert.equal(reason(await call('POST', '/projections', { name: 'bad', mesh: 'rows', pipeline })), `400 pipeline_invalid: ${expected}`);
    }
  });

  test('a $graphLookup without maxDepth on a cycle ends: every node once', async () => {
    await define('ring', [{ $match: { n: 0 } }, { $graphLookup: { from: 'rows', startWith: '$next', connectFromField: 'next', connectToField: 'name', as: 'reach' } }, { $project: { _id: 0, reached: { $size: '$reach' } } }]);
    const res = await call('GET', '/projections/ring');
    assert.equal(res.status, 200, reason(res));
    assert.deepEqual(res.body.results, [{ reached: 300 }]);
  });

  test('a $group over more than the stage cap is 429 projection_memory_limit', async () => {
    await define('bigGroup', [{ $group: { _id: null, all: { $push: '$$ROOT' } } }]);
    assert.equal(reason(await call('GET', '/projections/bigGroup')), `429 projection_memory_limit: ${LIMIT}`);
  });

  test('a $facet fan-out past the documents cap is 429; a $range bomb ends its thread (429) and the next run gets a fresh one', async () => {
    await define('fanOut', [{ $facet: { a: [{ $project: { r: { $range: [0, 100] } } }, { $unwind: '$r' }], b: [{ $match: {} }] } }]);
    assert.equal(reason(await call('GET', '/projections/fanOut')), `429 projection_memory_limit: ${LIMIT}`);
    await define('rangeBomb', [{ $project: { r: { $range: [0, 50_000_000] } } }]);
    const pending = call('GET', '/projections/rangeBomb');
    // The API answers while the engine thread struggles.
    const me = await call('GET', '/users/me');
    assert.equal(me.status, 200);
    const bomb = await pending;
    assert.equal(bomb.status, 429, reason(bomb));
    assert.ok(['projection_memory_limit', 'projection_time_limit'].includes(bomb.body.code), bomb.body.code);
    await define('fine', [{ $group: { _id: '$group', n: { $sum: 1 } } }, { $sort: { _id: 1 } }, { $limit: 1 }]);
    const fine = await call('GET', '/projections/fine');
    assert.equal(fine.status, 200, reason(fine));
    assert.deepEqual(fine.body.results, [{ _id: 0, n: 43 }]);
  });

  test('a run past its time is 429 projection_time_limit', async () => {
    await define('slow', [{ $project: { s: { $reduce: { input: { $range: [0, 3_000_000] }, initialValue: 0, in: { $add: ['$$value', '$$this'] } } } } }]);
    const res = await call('GET', '/projections/slow');
    assert.equal(res.status, 429, reason(res));
    assert.ok(['projection_time_limit', 'projection_memory_limit'].includes(res.body.code), res.body.code);
  });

  test('a mesh larger than the documents cap is 429 projection_scan_limit', async () => {
    assert.equal((await call('POST', '/meshes/many', Array.from({ length: 1000 }, (_, i) => ({ i })))).status, 201);
    await define('everything', [{ $lookup: { from: 'many', localField: 'n', foreignField: 'i', as: 'm' } }, { $unwind: '$m' }, { $unwind: '$m' }, { $project: { a: { $range: [0, 20] } } }, { $unwind: '$a' }]);
    const res = await call('GET', '/projections/everything');
    assert.equal(reason(res), `429 projection_memory_limit: ${LIMIT}`);
  });
});
