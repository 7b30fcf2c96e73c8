import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeshyConnection, PagedResult, Projection } from '../src/index.js';
import { loginWithRole, recordingFetch } from './helpers/admin.js';
import { meshyError } from './helpers/meshy-error.js';
import { anonymousLogin, clientFor, startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let admin: MeshyConnection;
const wire = recordingFetch();

before(async () => {
  t = await startTestServer();
  admin = (await loginWithRole(t, clientFor(t, { fetch: wire.fetch }), ['projections:crud', 'meshes:crud'])).connection;
  await admin.meshesService.createMany('person', [
    { name: 'Ada', state: 'WI', age: 36 },
    { name: 'Bob', state: 'MN', age: 25 },
    { name: 'Cy', state: 'WI', age: 51 },
  ]);
});
after(() => t.close());

interface PopularState {
  _id: string;
  attractions: number;
}

describe('projectionsService', () => {
  test('define, list, run as the docs\' NodeJS tab calls it, update and delete', async () => {
    const created: Projection = await admin.projectionsService.create({
      name: 'popularStates',
      mesh: 'person',
      pipeline: [{ $group: { _id: '$state', attractions: { $sum: 1 } } }],
      description: 'people by state',
    });
    assert.equal(created.name, 'popularStates');
    assert.deepEqual((await admin.projectionsService.list()).results.map((p) => p.name), ['popularStates']);

    // An anonymous user reads projections by the account's default permissions; docs: meshyConnection.projections.get<any>(...).
    const anonymous = (await anonymousLogin(clientFor(t))).connection;
    const popularStates: PagedResult<PopularState> = await anonymous.projections.get<PopularState>('popularStates', {
      filter: { attractions: { $gte: 1 } },
      orderBy: { Name: -1, _id: 1 },
      page: 1,
      pageSize: 25,
    });
    assert.deepEqual(popularStates, { page: 1, pageSize: 25, results: [{ _id: 'MN', attractions: 1 }, { _id: 'WI', attractions: 2 }], totalRecords: 2 });
    const textual = await anonymous.projectionsService.get<PopularState>('popularStates', { filter: "{ _id: 'WI' }" });
    assert.deepEqual(textual.results, [{ _id: 'WI', attractions: 2 }]);
    const regex = await anonymous.projectionsService.get<PopularState>('popularStates', { filter: { _id: /^m/i } });
    assert.deepEqual(regex.results, [{ _id: 'MN', attractions: 1 }]);

    const updated = await admin.projectionsService.update('popularStates', { pipeline: [{ $match: { age: { $gt: 30 } } }, { $count: 'older' }] });
    assert.deepEqual(updated.pipeline, [{ $match: { age: { $gt: 30 } } }, { $count: 'older' }]);
    assert.deepEqual((await admin.projections.get('popularStates')).results, [{ older: 2 }]);
    await admin.projectionsService.delete('popularStates');
    const error = await meshyError(admin.projectionsService.get('popularStates'));
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, 'projection_not_found');
    assert.equal(error.reason, 'Projection was not found.');
  });

  test('a refused pipeline is the server\'s 400 naming the stage; a name is required before anything is sent', async () => {
    const error = await meshyError(admin.projectionsService.create({ name: 'copy', mesh: 'person', pipeline: [{ $out: 'elsewhere' }] }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'pipeline_invalid');
    assert.equal(error.reason, 'Pipeline stage 1 ($out) writes a collection.');
    const sent = wire.sent.length;
    await assert.rejects(admin.projectionsService.get(''), /projectionName is required/);
    assert.equal(wire.sent.length, sent);
  });
});
