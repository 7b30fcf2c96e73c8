import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

type Answer = { status: number; body: any; headers: Headers };

/** data/*.rst, black box: every path, body, status and documented sentence of the meshes routes, on both stores. */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`meshes API (${kind})`, () => {
    let t: TestServer;
    let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    let token: string;
    const call = (method: string, path: string, body?: unknown, raw = false): Promise<Answer> =>
      request(`${t.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : raw ? (body as string) : JSON.stringify(body),
      });
    const reason = (res: Answer) => `${res.status} ${res.body?.code}: ${res.body?.message}`;
    const q = (value: unknown) => encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value));

    before(async () => {
      database = kind === 'postgres' ? await createTestDatabase() : undefined;
      t = await startTestServer({ logLevel: 'warn', databaseUrl: database?.url });
      // A new account lets every signed-in user work with mesh data (defaultPermissions).
      token = (await login(t)).access_token;
    });
    after(async () => {
      await t.close();
      await database?.drop();
    });

    test('create, get, replace and delete one document, with the documented bodies and statuses', async () => {
      const created = await call('POST', '/meshes/person', { firstName: 'Bob', lastName: 'Bobberson' });
      assert.equal(created.status, 201, reason(created));
      assert.match(created.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(Object.keys(created.body), ['_id', 'firstName', 'lastName']);
      assert.match(created.body._id, /^[0-9a-f]{24}$/);
      const id = created.body._id as string;
      assert.deepEqual((await call('GET', `/meshes/person/${id}`)).body, created.body);

      const replaced = await call('PUT', `/meshes/person/${id}`, { firstName: 'Bobbo', age: 40 });
      assert.equal(replaced.status, 200, reason(replaced));
      // A replacement, not a merge: lastName is gone.
      assert.deepEqual(replaced.body, { _id: id, firstName: 'Bobbo', age: 40 });
      assert.deepEqual(Object.keys(replaced.body), ['_id', 'firstName', 'age']);
      assert.deepEqual((await call('GET', `/meshes/person/${id}`)).body, replaced.body);
      // The body may repeat its own id, in any case.
      assert.equal((await call('PUT', `/meshes/person/${id}`, { _id: id.toUpperCase(), firstName: 'Bobbo' })).status, 200);

      const deleted = await call('DELETE', `/meshes/person/${id}`);
      assert.equal(deleted.status, 204);
      assert.equal(reason(await call('GET', `/meshes/person/${id}`)), '404 mesh_not_found: Mesh data was not found.');
      assert.equal(reason(await call('DELETE', `/meshes/person/${id}`)), '404 mesh_not_found: Mesh data was not found.');
      // PUT never creates: an id that names no document is 404, as GET answers.
      assert.equal(reason(await call('PUT', `/meshes/person/${id}`, { firstName: 'Again' })), '404 mesh_not_found: Mesh data was not found.');
      // An id that is not an ObjectId cannot name a document.
      assert.equal(reason(await call('GET', '/meshes/person/not-an-id')), '404 mesh_not_found: Mesh data was not found.');
      assert.equal(reason(await call('DELETE', '/meshes/person/xyz')), '404 mesh_not_found: Mesh data was not found.');
    });

    test('mesh names are letters only and case-insensitive', async () => {
      const created = await call('POST', '/meshes/Animal', { kind: 'cat' });
      assert.equal(created.status, 201, reason(created));
      assert.deepEqual((await call('GET', `/meshes/ANIMAL/${created.body._id}`)).body, created.body);
      const invalid = '400 mesh_name_invalid: Mesh name is invalid and must be alpha characters only.';
      for (const name of ['person1', 'first_name', 'caf%C3%A9', 'a-b', 'x'.repeat(65)]) {
        assert.equal(reason(await call('POST', `/meshes/${name}`, { a: 1 })), invalid, name);
        assert.equal(reason(await call('GET', `/meshes/${name}`)), invalid, name);
        assert.equal(reason(await call('GET', `/meshes/${name}/${created.body._id}`)), invalid, name);
        assert.equal(reason(await call('PUT', `/meshes/${name}/${created.body._id}`, { a: 1 })), invalid, name);
        assert.equal(reason(await call('PATCH', `/meshes/${name}`, { filter: '{}', update: '{$set: {a: 1}}' })), invalid, name);
        assert.equal(reason(await call('DELETE', `/meshes/${name}/${created.body._id}`)), invalid, name);
        assert.equal(reason(await call('DELETE', `/meshes/${name}?filter={}`)), invalid, name);
      }
      assert.equal((await call('POST', `/meshes/${'x'.repeat(64)}`, { a: 1 })).status, 201);
    });

    test("properties at any depth cannot begin with '$' or contain '.'", async () => {
      const invalid = "400 mesh_property_invalid: Mesh property cannot begin with '$' or contain '.'.";
      const bodies = [{ $set: 1 }, { 'a.b': 1 }, { a: { b: { $gt: 1 } } }, { a: [{ ok: 1 }, { 'x.y': 2 }] }, { list: [[{ $bad: true }]] }];
      for (const body of bodies) {
        assert.equal(reason(await call('POST', '/meshes/checks', body)), invalid, JSON.stringify(body));
        assert.equal(reason(await call('PUT', '/meshes/checks/aaaaaaaaaaaaaaaaaaaaaaaa', body)), invalid, JSON.stringify(body));
      }
      // Such keys are fine as values, and `_id` may appear deeper as an ordinary property.
      const fine = await call('POST', '/meshes/checks', { note: '$x.y', nested: { _id: 5 } });
      assert.equal(fine.status, 201, reason(fine));
    });

    test('ids: generated in the ObjectId layout, or brought by the client; taken, invalid, unchangeable', async () => {
      const a = (await call('POST', '/meshes/ids', {})).body._id as string;
      const b = (await call('POST', '/meshes/ids', { _id: null, x: 1 })).body._id as string;
      assert.match(a, /^[0-9a-f]{24}$/);
      assert.notEqual(a, b);
      // Seconds of the server's clock, then 5 bytes of the process, then a counter.
      assert.equal(parseInt(a.slice(0, 8), 16), Math.floor(t.clock.now() / 1000));
      assert.equal(a.slice(8, 18), b.slice(8, 18));
      assert.equal((parseInt(b.slice(18), 16) - parseInt(a.slice(18), 16) + 0x1000000) % 0x1000000, 1);

      const own = '5c78cc81dd870827a8e7b6c4';
      const created = await call('POST', '/meshes/ids', { name: 'mine', _id: own.toUpperCase() });
      assert.equal(created.status, 201, reason(created));
      // `_id` first, lower case, whatever the client's order.
      assert.deepEqual(Object.keys(created.body), ['_id', 'name']);
      assert.equal(created.body._id, own);
      assert.equal(reason(await call('POST', '/meshes/ids', { _id: own })), '400 mesh_id_taken: Mesh already exists for provided id.');
      // The same id in another mesh is another document.
      assert.equal((await call('POST', '/meshes/others', { _id: own })).status, 201);
      for (const bad of ['abc', 5, '5c78cc81dd870827a8e7b6cz', { oid: own }, [own], true, '']) {
        const res = await call('POST', '/meshes/ids', { _id: bad });
        assert.equal(reason(res), '400 mesh_id_invalid: Mesh id must be a 24-character hexadecimal string.', JSON.stringify(bad));
      }
      // Extended JSON is not JSON a document can hold: its key begins with '$'.
      assert.equal((await call('POST', '/meshes/ids', { _id: { $oid: own } })).body.code, 'mesh_property_invalid');
      const other = '000000000000000000000001';
      assert.equal(reason(await call('PUT', `/meshes/ids/${own}`, { _id: other })), '400 mesh_id_unchangeable: Mesh id cannot be changed.');
      assert.equal(reason(await call('PUT', `/meshes/ids/${own}`, { _id: 7 })), '400 mesh_id_unchangeable: Mesh id cannot be changed.');
      assert.deepEqual((await call('GET', `/meshes/ids/${own}`)).body, { _id: own, name: 'mine' });
    });

    test('what JSON cannot store back is refused: Infinity from 1e400, nesting past 100 levels, bodies that are not objects', async () => {
      const infinite = '400 mesh_number_invalid: Mesh data can only hold finite numbers.';
      assert.equal(reason(await call('POST', '/meshes/numbers', '{"big": 1e400}', true)), infinite);
      assert.equal(reason(await call('POST', '/meshes/numbers', '{"deep": [{"small": -1e999}]}', true)), infinite);
      assert.equal(reason(await call('PUT', '/meshes/numbers/aaaaaaaaaaaaaaaaaaaaaaaa', '{"big": 1e400}', true)), infinite);
      const kept = await call('POST', '/meshes/numbers', '{"max": 1.7976931348623157e308, "tiny": 5e-324, "int": 9007199254740993}', true);
      assert.equal(kept.status, 201, reason(kept));
      assert.equal(kept.body.max, Number.MAX_VALUE);

      // `depth` objects, one inside the other.
      const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
      assert.equal((await call('POST', '/meshes/deep', nested(100), true)).status, 201);
      assert.equal(reason(await call('POST', '/meshes/deep', nested(101), true)), '400 mesh_data_too_deep: Mesh data cannot be nested more than 100 levels deep.');

      for (const body of ['5', '"text"', 'true']) {
        assert.equal(reason(await call('POST', '/meshes/shapes', body, true)), '400 body_malformed: Request body must be a JSON object.', body);
      }
      assert.equal(reason(await call('PUT', '/meshes/shapes/aaaaaaaaaaaaaaaaaaaaaaaa', [{ a: 1 }])), '400 body_malformed: Request body must be a JSON object.');
      // No body, or null, is no data (PUT would otherwise wipe the document).
      const keptId = (await call('POST', '/meshes/shapes', { keep: true })).body._id as string;
      for (const [method, path] of [['POST', '/meshes/shapes'], ['PUT', `/meshes/shapes/${keptId}`]]) {
        assert.equal(reason(await call(method!, path!)), '400 mesh_data_missing: No data was provided.', `${method} without a body`);
        assert.equal(reason(await call(method!, path!, 'null', true)), '400 mesh_data_missing: No data was provided.', `${method} null`);
      }
      assert.deepEqual((await call('GET', `/meshes/shapes/${keptId}`)).body, { _id: keptId, keep: true });
      assert.equal((await call('POST', '/meshes/shapes', {})).status, 201);
      // Prototype keys never reach a document.
      assert.equal((await call('POST', '/meshes/shapes', '{"__proto__": {"isAdmin": true}}', true)).status, 400);
    });

    test('bulk create: 201 with createdCount and createdData; [] is "No data was provided."', async () => {
      const created = await call('POST', '/meshes/bulk', [{ firstName: 'Bob', lastName: 'Bobberson' }, { firstName: 'Ann' }]);
      assert.equal(created.status, 201, reason(created));
      assert.deepEqual(Object.keys(created.body), ['createdCount', 'createdData']);
      assert.equal(created.body.createdCount, 2);
      assert.deepEqual(created.body.createdData.map((d: { firstName: string }) => d.firstName), ['Bob', 'Ann']);
      for (const document of created.body.createdData) assert.deepEqual((await call('GET', `/meshes/bulk/${document._id}`)).body, document);
      assert.equal(reason(await call('POST', '/meshes/bulk', [])), '400 mesh_data_missing: No data was provided.');
    });

    test('bulk create is all or nothing: the status of each refused object comes back, and nothing is created', async () => {
      const taken = (await call('POST', '/meshes/batch', { name: 'first' })).body._id as string;
      const fresh = '5d438ff23b0b7dd957a765ce';
      const batch = [{ name: 'ok' }, { 'bad.key': 1 }, { name: 'ok too' }, 'not an object', { _id: 'short' }, { _id: fresh }, { _id: fresh }, { n: '1e400' }];
      const refused = await call('POST', '/meshes/batch', batch);
      assert.equal(
        reason(refused),
        '400 mesh_batch_invalid: Data is in an invalid format. The status of each object will be brought back to identify the error.',
      );
      assert.deepEqual(refused.body.errors, [
        { index: 1, status: 400, code: 'mesh_property_invalid', message: "Mesh property cannot begin with '$' or contain '.'." },
        { index: 3, status: 400, code: 'mesh_data_not_object', message: 'Mesh data must be a JSON object.' },
        { index: 4, status: 400, code: 'mesh_id_invalid', message: 'Mesh id must be a 24-character hexadecimal string.' },
        { index: 6, status: 400, code: 'mesh_id_taken', message: 'Mesh already exists for provided id.' },
      ]);
      // An id the mesh holds already is found by the store: the batch is refused whole.
      const collides = await call('POST', '/meshes/batch', [{ _id: fresh, name: 'new' }, { name: 'x' }, { _id: taken, name: 'again' }]);
      assert.equal(collides.body.code, 'mesh_batch_invalid', reason(collides));
      assert.deepEqual(collides.body.errors, [{ index: 2, status: 400, code: 'mesh_id_taken', message: 'Mesh already exists for provided id.' }]);
      const all = await call('GET', '/meshes/batch?pageSize=200');
      assert.deepEqual(all.body.results, [{ _id: taken, name: 'first' }]);
      assert.equal(reason(await call('GET', `/meshes/batch/${fresh}`)), '404 mesh_not_found: Mesh data was not found.');
    });

    test('search: filter in shell syntax or JSON, orderBy, page, pageSize and totalRecords', async () => {
      const people = Array.from({ length: 30 }, (_, n) => ({ n, group: n % 3, name: `p${String(n).padStart(2, '0')}` }));
      assert.equal((await call('POST', '/meshes/people', people)).status, 201);
      const page = await call('GET', `/meshes/people?filter=${q("{ 'group': 1 }")}&orderBy=${q('{ n: -1 }')}&page=2&pageSize=4`);
      assert.equal(page.status, 200, reason(page));
      assert.deepEqual(Object.keys(page.body), ['page', 'pageSize', 'results', 'totalRecords']);
      assert.equal(page.body.page, 2);
      assert.equal(page.body.pageSize, 4);
      assert.equal(page.body.totalRecords, 10);
      assert.deepEqual(page.body.results.map((p: { n: number }) => p.n), [16, 13, 10, 7]);
      assert.deepEqual(Object.keys(page.body.results[0]), ['_id', 'n', 'group', 'name']);

      const json = await call('GET', `/meshes/people?filter=${q({ n: { $gte: 25 } })}&orderBy=${q({ name: 1 })}`);
      assert.deepEqual(json.body.results.map((p: { n: number }) => p.n), [25, 26, 27, 28, 29]);
      assert.equal(json.body.pageSize, 25);
      assert.equal(json.body.page, 1);
      // MeshyDB's SDK sends filter=undefined or filter=null when the caller gave none.
      for (const none of ['undefined', 'null', '']) {
        const all = await call('GET', `/meshes/people?filter=${none}&orderBy=${none}&pageSize=200`);
        assert.equal(all.body.totalRecords, 30, none);
      }
      const last = await call('GET', `/meshes/people?orderBy=${q({ n: 1 })}&page=4&pageSize=8`);
      assert.deepEqual(last.body.results.map((p: { n: number }) => p.n), [24, 25, 26, 27, 28, 29]);
      assert.deepEqual((await call('GET', '/meshes/people?page=9')).body.results, []);
      assert.deepEqual((await call('GET', '/meshes/nothinghere')).body, { page: 1, pageSize: 25, results: [], totalRecords: 0 });

      const filterInvalid = '400 filter_invalid: Filter is in an invalid format. It must be in a valid Mongo DB format.';
      for (const bad of ['{ $where: "1" }', '{ a: ', '{ a: { $bogus: 1 } }', '[1]', '{ "__proto__": { "x": 1 } }', 'function () { return 1 }']) {
        assert.equal(reason(await call('GET', `/meshes/people?filter=${q(bad)}`)), filterInvalid, bad);
      }
      const orderInvalid = '400 mesh_order_by_invalid: Order by is in an invalid format. It must be in a valid Mongo DB format.';
      for (const bad of ['{ n: 2 }', '{ $n: 1 }', 'n']) assert.equal(reason(await call('GET', `/meshes/people?orderBy=${q(bad)}`)), orderInvalid, bad);
      assert.equal(reason(await call('GET', '/meshes/people?pageSize=201')), '400 page_size_invalid: Page size must be a whole number from 1 to 200.');
      assert.equal(reason(await call('GET', '/meshes/people?page=0')), '400 page_invalid: Page must be a whole number from 1.');
      assert.equal((await call('GET', '/meshes/people?pageSize=200')).body.results.length, 30);
    });

    test('PATCH: filter and update as shell-syntax strings or as objects; the documented answer and reasons', async () => {
      await call('POST', '/meshes/stock', [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }, { sku: 'c', qty: 10 }]);
      const patched = await call('PATCH', '/meshes/stock', { filter: "{ 'qty': { $gte: 5 } }", update: '{ $inc: { qty: 1 } }' });
      assert.equal(patched.status, 200, reason(patched));
      assert.deepEqual(patched.body, { isAcknowledged: true, isModifiedCountAvailable: true, matchedCount: 2, modifiedCount: 2, upsertedId: null });
      const asObjects = await call('PATCH', '/meshes/stock', { filter: { sku: { $in: ['a', 'b'] } }, update: { $set: { qty: 6 } } });
      // b holds 6 already: matched, not modified.
      assert.deepEqual(asObjects.body, { isAcknowledged: true, isModifiedCountAvailable: true, matchedCount: 2, modifiedCount: 1, upsertedId: null });
      const all = await call('GET', `/meshes/stock?orderBy=${q({ sku: 1 })}`);
      assert.deepEqual(all.body.results.map((d: { qty: number }) => d.qty), [6, 6, 11]);

      const cases: [unknown, string][] = [
        [{ update: '{ $set: { a: 1 } }' }, '400 filter_required: Filter is required.'],
        [{ filter: 'undefined', update: '{ $set: { a: 1 } }' }, '400 filter_required: Filter is required.'],
        [{ filter: null, update: { $set: { a: 1 } } }, '400 filter_required: Filter is required.'],
        [{ filter: '{}' }, '400 update_required: Update is required.'],
        [{ filter: '{ $where: "x" }' }, '400 update_required: Update is required.'],
        [{ filter: '{ $where: "x" }', update: '{ $set: { a: 1 } }' }, '400 filter_invalid: Filter is in an invalid format. It must be in a valid Mongo DB format.'],
        [{ filter: '{}', update: '{ a: 1 }' }, '400 update_invalid: Update is in an invalid format. It must be in a valid Mongo DB format.'],
        [{ filter: '{}', update: '{ $set: { _id: "5c78cc81dd870827a8e7b6c4" } }' }, '400 update_invalid: Update is in an invalid format. It must be in a valid Mongo DB format.'],
        [{ filter: '{}', update: { $rename: { sku: '_id' } } }, '400 update_invalid: Update is in an invalid format. It must be in a valid Mongo DB format.'],
        [{ filter: '{}', update: '{ $bogus: { a: 1 } }' }, '400 update_invalid: Update is in an invalid format. It must be in a valid Mongo DB format.'],
        // Applying it fails on the data: $inc of a string.
        [{ filter: '{}', update: '{ $inc: { sku: 1 } }' }, '400 update_invalid: Update is in an invalid format. It must be in a valid Mongo DB format.'],
        [{}, '400 filter_required: Filter is required.'],
      ];
      for (const [body, expected] of cases) assert.equal(reason(await call('PATCH', '/meshes/stock', body)), expected, JSON.stringify(body));
      // Nothing of the refused updates was applied, not even half of the last one.
      assert.deepEqual((await call('GET', `/meshes/stock?orderBy=${q({ sku: 1 })}`)).body.results, all.body.results);
    });

    test('PATCH with each family of update operators, end to end', async () => {
      const id = (await call('POST', '/meshes/ops', { name: 'x', n: 10, m: 3, low: 5, high: 5, gone: 1, old: 'o', tags: ['a', 'b'], list: [3, 1, 2], grid: [{ k: 1, v: 0 }, { k: 2, v: 0 }] })).body._id;
      const doc = async () => (await call('GET', `/meshes/ops/${id}`)).body;
      const patch = async (update: unknown, filter: unknown = `{ _id: ObjectId("${id}") }`) => {
        const res = await call('PATCH', '/meshes/ops', { filter, update });
        assert.equal(res.status, 200, `${JSON.stringify(update)}: ${reason(res)}`);
        assert.equal(res.body.matchedCount, 1, JSON.stringify(update));
        return res.body;
      };
      await patch('{ $set: { name: "y", "sub.deep": true }, $unset: { gone: "" } }');
      await patch({ $inc: { n: 5 }, $mul: { m: 2 } });
      await patch({ $min: { low: 2 }, $max: { high: 9 } });
      await patch({ $rename: { old: 'renamed' } });
      let d = await doc();
      assert.equal(d.name, 'y');
      assert.deepEqual(d.sub, { deep: true });
      assert.equal('gone' in d, false);
      assert.deepEqual([d.n, d.m, d.low, d.high, d.renamed, d.old], [15, 6, 2, 9, 'o', undefined]);
      assert.equal(d._id, id);

      await patch({ $push: { list: { $each: [9, 0], $position: 0 } } });
      assert.deepEqual((await doc()).list, [9, 0, 3, 1, 2]);
      await patch({ $push: { list: { $each: [7], $sort: 1, $slice: 4 } } });
      assert.deepEqual((await doc()).list, [0, 1, 2, 3]);
      await patch({ $addToSet: { tags: { $each: ['b', 'c'] } } });
      assert.deepEqual((await doc()).tags, ['a', 'b', 'c']);
      await patch({ $pop: { tags: -1 } });
      assert.deepEqual((await doc()).tags, ['b', 'c']);
      await patch({ $pull: { list: { $gte: 2 } } });
      assert.deepEqual((await doc()).list, [0, 1]);
      await patch({ $pullAll: { tags: ['c'] } });
      assert.deepEqual((await doc()).tags, ['b']);
      await patch({ $currentDate: { touched: true } });
      assert.equal((await doc()).touched, new Date(t.clock.now()).toISOString());

      await patch({ $set: { 'grid.$.v': 5 } }, { _id: id, 'grid.k': 2 });
      assert.deepEqual((await doc()).grid, [{ k: 1, v: 0 }, { k: 2, v: 5 }]);
      await patch({ $inc: { 'grid.$[].v': 1 } });
      d = await doc();
      assert.deepEqual(d.grid, [{ k: 1, v: 1 }, { k: 2, v: 6 }]);
      assert.equal(Object.keys(d)[0], '_id');
    });

    test('DELETE by filter: deletedCount, and the delete sentences', async () => {
      await call('POST', '/meshes/trash', [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
      const deleted = await call('DELETE', `/meshes/trash?filter=${q('{ n: { $lte: 2 } }')}`);
      assert.equal(deleted.status, 200, reason(deleted));
      assert.deepEqual(deleted.body, { deletedCount: 2, isAcknowledged: true });
      assert.deepEqual((await call('DELETE', `/meshes/trash?filter=${q({ n: 99 })}`)).body, { deletedCount: 0, isAcknowledged: true });
      for (const none of ['', '?filter=', '?filter=undefined', '?filter=null']) {
        assert.equal(reason(await call('DELETE', `/meshes/trash${none}`)), '400 delete_filter_missing: Filter was not provided.', none);
      }
      for (const bad of ['{ $where: "1" }', '{ n: ', '{ n: { $regex: "(?=x)" } }']) {
        assert.equal(reason(await call('DELETE', `/meshes/trash?filter=${q(bad)}`)), '400 delete_filter_invalid: Filter is in an invalid format.', bad);
      }
      assert.equal((await call('GET', '/meshes/trash')).body.totalRecords, 2);
      assert.deepEqual((await call('DELETE', `/meshes/trash?filter=${q('{}')}`)).body, { deletedCount: 2, isAcknowledged: true });
      assert.equal((await call('GET', '/meshes/trash')).body.totalRecords, 0);
    });

    test('without a token every route is 401', async () => {
      const routes: [string, string][] = [['POST', '/meshes/person'], ['GET', '/meshes/person/aaaaaaaaaaaaaaaaaaaaaaaa'], ['GET', '/meshes/person'], ['PUT', '/meshes/person/aaaaaaaaaaaaaaaaaaaaaaaa'], ['PATCH', '/meshes/person'], ['DELETE', '/meshes/person/aaaaaaaaaaaaaaaaaaaaaaaa'], ['DELETE', '/meshes/person?filter={}']];
      for (const [method, path] of routes) {
        const res = await request(`${t.base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' });
        assert.equal(`${res.status} ${res.body.message}`, '401 User is not authorized to make call.', `${method} ${path}`);
      }
    });
  });
}
