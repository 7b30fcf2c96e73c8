import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  MeshesService,
  Reasons,
  SdkErrorCodes,
  type CreateManyResult,
  type DeleteManyResult,
  type MeshData,
  type MeshRecord,
  type MeshyConnection,
  type PagedResult,
  type UpdateManyResult,
} from '../src/index.js';
import { loginWithRole, recordingFetch, uniqueRoleName } from './helpers/admin.js';
import { meshyError } from './helpers/meshy-error.js';
import { anonymousLogin, clientFor, startTestServer, type TestServer } from './helpers/server.js';

interface Person extends MeshData {
  firstName: string;
  lastName: string;
  age?: number;
  userId?: string;
}

interface Player {
  name: string;
  team: string;
  score: number;
  seen?: boolean;
}

let t: TestServer;
let connection: MeshyConnection;
let userId: string;
const wire = recordingFetch();

before(async () => {
  t = await startTestServer();
  const logged = await anonymousLogin(clientFor(t, { fetch: wire.fetch }));
  connection = logged.connection;
  userId = logged.user.id;
});
after(() => t.close());

/** A mesh no other test uses: mesh names are letters only. */
const uniqueMesh = (prefix = 'mesh') => uniqueRoleName(prefix).toLowerCase();
/** The requests the connection sent since `from` (an index into wire.sent). */
const sentSince = (from: number) => wire.sent.slice(from);
const objectId = () => randomBytes(12).toString('hex');

/** Query parameters of a request the connection sent. */
function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}

async function players(mesh: string, records: Player[]): Promise<MeshRecord<Player>[]> {
  return (await connection.meshesService.createMany<Player>(mesh, records)).createdData;
}

describe('meshesService: the getting-started flow', () => {
  test('create, get, update, search and delete a person as intro/getting_started_nodejs.rst writes them', async () => {
    const meshName = uniqueMesh('person');
    // The docs' model, `_id: undefined` included.
    let model: Person = { _id: undefined, firstName: 'Bob', lastName: 'Bobson', userId };
    const from = wire.sent.length;
    model = await connection.meshesService.create(meshName, model);
    assert.match(model._id!, /^[0-9a-f]{24}$/);
    assert.deepEqual(model, { _id: model._id, firstName: 'Bob', lastName: 'Bobson', userId });
    const [post] = sentSince(from);
    assert.equal(post!.method, 'POST');
    assert.equal(post!.url, `${t.base}/meshes/${meshName}`);
    assert.deepEqual(JSON.parse(post!.body!), { firstName: 'Bob', lastName: 'Bobson', userId }, 'an undefined _id is left out');

    // The reference pages write `connection.meshes`: the same service.
    assert.equal(connection.meshes, connection.meshesService);
    assert.deepEqual(await connection.meshes.get<Person>(meshName, model._id!), model);

    model.firstName = 'Robert';
    model = await connection.meshesService.update(meshName, model);
    assert.equal(model.firstName, 'Robert');
    assert.deepEqual(await connection.meshes.get(meshName, model._id!), model);

    var filter = { firstName: { $regex: '^Rob' } };
    var pagedPersonResult = await connection.meshesService.search<Person>(meshName, { filter: filter });
    assert.deepEqual(pagedPersonResult, { page: 1, pageSize: 25, results: [model], totalRecords: 1 });

    var id = model._id!;
    assert.equal(await connection.meshesService.delete(meshName, id), undefined);
    const gone = await meshyError(connection.meshes.get(meshName, id));
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.reason, Reasons.meshNotFound);
    assert.equal(gone.code, 'mesh_not_found');
  });
});

describe('meshesService: create, get and update', () => {
  test('create keeps an _id the caller gives; one that is taken is refused', async () => {
    const mesh = uniqueMesh();
    const _id = objectId();
    const created = await connection.meshesService.create(mesh, { _id, name: 'first' });
    assert.deepEqual(created, { _id, name: 'first' });
    assert.deepEqual(Object.keys(created), ['_id', 'name'], '_id comes first');
    const taken = await meshyError(connection.meshesService.create(mesh, { _id, name: 'second' }));
    assert.equal(taken.statusCode, 400);
    assert.equal(taken.reason, 'Mesh already exists for provided id.');
    assert.deepEqual(await connection.meshesService.get(mesh, _id), { _id, name: 'first' });
  });

  test('create stores nested objects, arrays, numbers, booleans and null as given', async () => {
    const mesh = uniqueMesh();
    const data = { name: 'Ann', address: { city: 'Oslo', zip: '0150' }, tags: ['a', 'b'], score: 1.5, big: 2 ** 53 - 1, ok: false, none: null };
    const created = await connection.meshesService.create(mesh, data);
    assert.deepEqual(created, { _id: created._id, ...data });
    assert.deepEqual(await connection.meshesService.get(mesh, created._id), created);
  });

  test('update replaces the record whole, takes the id as an argument, and does not send _id in the body', async () => {
    const mesh = uniqueMesh();
    const created = await connection.meshesService.create(mesh, { firstName: 'Bob', lastName: 'Bobberson', age: 40 });
    const from = wire.sent.length;
    // The docs' reference page: update(meshName, data, id).
    const updated = await connection.meshes.update(mesh, { firstName: 'Bobbo', lastName: 'Bobberson' }, created._id);
    assert.deepEqual(updated, { _id: created._id, firstName: 'Bobbo', lastName: 'Bobberson' }, 'age, left out, is gone');
    assert.deepEqual(await connection.meshes.get(mesh, created._id), updated);
    const [put] = sentSince(from);
    assert.equal(put!.method, 'PUT');
    assert.equal(put!.url, `${t.base}/meshes/${mesh}/${created._id}`);
    assert.deepEqual(JSON.parse(put!.body!), { firstName: 'Bobbo', lastName: 'Bobberson' });

    // An explicit id wins over the data's _id: the record in the path is the one replaced.
    const other = await connection.meshesService.create(mesh, { firstName: 'Other', lastName: 'One' });
    const copied = await connection.meshesService.update(mesh, { ...updated, lastName: 'Copy' }, other._id);
    assert.deepEqual(copied, { _id: other._id, firstName: 'Bobbo', lastName: 'Copy' });
    assert.deepEqual(await connection.meshesService.get(mesh, created._id), updated);
  });

  test('update of a record that does not exist is a 404 "Mesh data was not found."', async () => {
    const error = await meshyError(connection.meshesService.update(uniqueMesh(), { name: 'x' }, objectId()));
    assert.equal(error.statusCode, 404);
    assert.equal(error.reason, 'Mesh data was not found.');
  });

  test('typed calls: get<T>, create<T> and search<T> answer MeshRecord<T>, whose _id is a string', async () => {
    const mesh = uniqueMesh('typed');
    const created: MeshRecord<Person> = await connection.meshesService.create<Person>(mesh, { firstName: 'Ty', lastName: 'Ped', age: 3 });
    const id: string = created._id;
    const fetched: MeshRecord<Person> = await connection.meshesService.get<Person>(mesh, id);
    const page: PagedResult<MeshRecord<Person>> = await connection.meshesService.search<Person>(mesh, { filter: { age: 3 } });
    const age: number | undefined = page.results[0]!.age;
    assert.equal(fetched.firstName, 'Ty');
    assert.equal(age, 3);
    assert.equal(page.results[0]!._id, id);
  });
});

describe('meshesService: createMany', () => {
  test('creates every record and answers { createdCount, createdData } with their ids', async () => {
    const mesh = uniqueMesh();
    const result: CreateManyResult<Player> = await connection.meshesService.createMany<Player>(mesh, [
      { name: 'a', team: 'red', score: 1 },
      { name: 'b', team: 'red', score: 2 },
      { name: 'c', team: 'blue', score: 3 },
    ]);
    assert.equal(result.createdCount, 3);
    assert.deepEqual(result.createdData.map(({ name, team, score }) => ({ name, team, score })), [
      { name: 'a', team: 'red', score: 1 },
      { name: 'b', team: 'red', score: 2 },
      { name: 'c', team: 'blue', score: 3 },
    ]);
    const ids = result.createdData.map((record) => record._id);
    assert.ok(ids.every((id) => /^[0-9a-f]{24}$/.test(id)));
    assert.equal(new Set(ids).size, 3);
    for (const record of result.createdData) assert.deepEqual(await connection.meshesService.get(mesh, record._id), record);
  });

  test('[] is refused with "No data was provided."', async () => {
    const error = await meshyError(connection.meshesService.createMany(uniqueMesh(), []));
    assert.equal(error.statusCode, 400);
    assert.equal(error.reason, 'No data was provided.');
  });

  test('a batch with bad records is refused with the status of each, and writes none of them', async () => {
    const mesh = uniqueMesh();
    const taken = await connection.meshesService.create(mesh, { name: 'there already' });
    const error = await meshyError(connection.meshesService.createMany(mesh, [{ name: 'fine' }, { 'bad.name': 1 }, { name: 'fine too' }, { nested: { $x: 1 } }]));
    assert.equal(error.statusCode, 400);
    assert.equal(error.reason, 'Data is in an invalid format. The status of each object will be brought back to identify the error.');
    const property = "Mesh property cannot begin with '$' or contain '.'.";
    assert.deepEqual(error.errors, [
      { index: 1, status: 400, code: 'mesh_property_invalid', message: property },
      { index: 3, status: 400, code: 'mesh_property_invalid', message: property },
    ]);
    const collision = await meshyError(connection.meshesService.createMany(mesh, [{ name: 'new' }, { _id: taken._id, name: 'again' }]));
    assert.deepEqual(collision.errors, [{ index: 1, status: 400, code: 'mesh_id_taken', message: 'Mesh already exists for provided id.' }]);
    assert.equal((await connection.meshesService.search(mesh)).totalRecords, 1, 'only the record made before');
  });
});

describe('meshesService: search', () => {
  let mesh: string;
  let people: MeshRecord<Person>[];
  before(async () => {
    mesh = uniqueMesh('people');
    const created = await connection.meshesService.createMany<Person>(mesh, [
      { firstName: 'Robert', lastName: 'Bobson', age: 41 },
      { firstName: 'Robin', lastName: 'Hood', age: 30 },
      { firstName: 'rob', lastName: 'Lower', age: 25 },
      { firstName: 'Alice', lastName: 'Smith', age: 35 },
    ]);
    people = created.createdData;
  });
  const named = (page: PagedResult<MeshRecord<Person>>) => page.results.map((person) => person.firstName);

  test('a filter as an object goes out as its JSON; as text (the docs\' shell syntax) as it is; both find the same', async () => {
    const from = wire.sent.length;
    const asObject = await connection.meshesService.search<Person>(mesh, { filter: { firstName: { $regex: '^Rob' } }, orderBy: { age: 1 } });
    const asText = await connection.meshesService.search<Person>(mesh, { filter: `{ 'firstName': { "$regex": "^Rob" } }`, orderBy: '{ "age": 1 }' });
    assert.deepEqual(named(asObject), ['Robin', 'Robert']);
    assert.deepEqual(asText, asObject);
    const [first, second] = sentSince(from);
    assert.deepEqual(queryOf(first!.url), { filter: '{"firstName":{"$regex":"^Rob"}}', orderBy: '{"age":1}' });
    assert.deepEqual(queryOf(second!.url), { filter: `{ 'firstName': { "$regex": "^Rob" } }`, orderBy: '{ "age": 1 }' });
  });

  test('a RegExp in a filter object goes out as RegExp(source, flags), inside $in too, with the s flag too', async () => {
    const from = wire.sent.length;
    const insensitive = await connection.meshesService.search<Person>(mesh, { filter: { firstName: /^rob/i }, orderBy: { age: -1 } });
    assert.deepEqual(named(insensitive), ['Robert', 'Robin', 'rob']);
    assert.equal(queryOf(sentSince(from)[0]!.url).filter, '{"firstName":RegExp("^rob","i")}');
    const either = await connection.meshesService.search<Person>(mesh, { filter: { lastName: { $in: [/^Sm/, 'Hood'] } }, orderBy: { age: 1 } });
    assert.deepEqual(named(either), ['Robin', 'Alice']);
    // `g` does not change what matches, and is left out; `s` lets `.` match a line break.
    const lines = uniqueMesh('lines');
    const twoLines = await connection.meshesService.create(lines, { text: 'first\nsecond', n: 1 });
    await connection.meshesService.create(lines, { text: 'first second', n: 2 });
    const dotAll = await connection.meshesService.search(lines, { filter: { text: /first.second/gs }, orderBy: { n: 1 } });
    assert.equal(dotAll.totalRecords, 2);
    const plain = await connection.meshesService.search(lines, { filter: { text: { $not: /first.second/ } } });
    assert.deepEqual(plain.results, [twoLines]);
    assert.equal(queryOf(sentSince(from).at(-1)!.url).filter, '{"text":{"$not":RegExp("first.second","")}}');
  });

  test('a Date in a filter object is its ISO-8601 string; U+2028 in a string reaches the server escaped', async () => {
    const other = uniqueMesh('notes');
    const at = '2026-01-01T00:00:00.000Z';
    // JSON lets U+2028 stand raw in a string, but a JavaScript tokenizer older than ES2019 ends the line there.
    const note = 'line\u2028separated';
    const created = await connection.meshesService.create(other, { at, note });
    const from = wire.sent.length;
    const byDate = await connection.meshesService.search(other, { filter: { at: new Date(at) } });
    assert.deepEqual(byDate.results, [created]);
    assert.equal(queryOf(sentSince(from)[0]!.url).filter, `{"at":"${at}"}`);
    const byNote = await connection.meshesService.search(other, { filter: { note } });
    assert.deepEqual(byNote.results, [created]);
    assert.equal(queryOf(sentSince(from)[1]!.url).filter, '{"note":"line\\u2028separated"}');
    assert.deepEqual((await connection.meshesService.deleteMany(other, { note })).deletedCount, 1);
  });

  test('orderBy sorts descending; without a filter every record matches', async () => {
    const byAge = await connection.meshesService.search<Person>(mesh, { orderBy: { age: -1 } });
    assert.deepEqual(named(byAge), ['Robert', 'Alice', 'Robin', 'rob']);
    assert.equal(byAge.totalRecords, 4);
    const all = await connection.meshesService.search<Person>(mesh);
    assert.equal(all.totalRecords, 4);
    assert.deepEqual(new Set(all.results.map((p) => p._id)), new Set(people.map((p) => p._id)));
  });

  test('page and pageSize (or the docs\' pageNumber) page through the matches; totalRecords counts them all', async () => {
    const orderBy = { age: 1 };
    const from = wire.sent.length;
    const second = await connection.meshesService.search<Person>(mesh, { orderBy, page: 2, pageSize: 2 });
    assert.deepEqual({ ...second, results: named(second) }, { page: 2, pageSize: 2, results: ['Alice', 'Robert'], totalRecords: 4 });
    const viaPageNumber = await connection.meshesService.search<Person>(mesh, { orderBy, pageNumber: 2, pageSize: 2 });
    assert.deepEqual(viaPageNumber, second);
    const past = await connection.meshesService.search<Person>(mesh, { orderBy, page: 3, pageSize: 2 });
    assert.deepEqual({ ...past, results: named(past) }, { page: 3, pageSize: 2, results: [], totalRecords: 4 });
    const [sent, sentAlias] = sentSince(from);
    assert.deepEqual(queryOf(sent!.url), { orderBy: '{"age":1}', page: '2', pageSize: '2' });
    assert.equal(sentAlias!.url, sent!.url, 'pageNumber is sent as page');
  });

  test('omitted fields are left out of the query string, for the server\'s defaults', async () => {
    const from = wire.sent.length;
    const page = await connection.meshesService.search(mesh, { filter: undefined, orderBy: null });
    assert.equal(sentSince(from)[0]!.url, `${t.base}/meshes/${mesh}`);
    assert.equal(page.page, 1);
    assert.equal(page.pageSize, 25);
  });

  test('a pageSize over 200 is refused by the server', async () => {
    const error = await meshyError(connection.meshesService.search(mesh, { pageSize: 201 }));
    assert.equal(error.statusCode, 400);
  });
});

describe('meshesService: updateMany', () => {
  test('filter and update as objects go out as JSON objects and apply to every match', async () => {
    const mesh = uniqueMesh('team');
    await players(mesh, [
      { name: 'a', team: 'red', score: 1 },
      { name: 'b', team: 'red', score: 2 },
      { name: 'c', team: 'blue', score: 3 },
    ]);
    const from = wire.sent.length;
    const result: UpdateManyResult = await connection.meshesService.updateMany(mesh, { team: 'red' }, { $inc: { score: 10 }, $set: { seen: true } });
    assert.deepEqual(result, { isAcknowledged: true, isModifiedCountAvailable: true, matchedCount: 2, modifiedCount: 2, upsertedId: null });
    const [patch] = sentSince(from);
    assert.equal(patch!.method, 'PATCH');
    assert.equal(patch!.url, `${t.base}/meshes/${mesh}`);
    assert.deepEqual(JSON.parse(patch!.body!), { filter: { team: 'red' }, update: { $inc: { score: 10 }, $set: { seen: true } } });
    const after = await connection.meshesService.search<Player>(mesh, { orderBy: { name: 1 } });
    assert.deepEqual(after.results.map(({ name, score, seen }) => ({ name, score, seen })), [
      { name: 'a', score: 11, seen: true },
      { name: 'b', score: 12, seen: true },
      { name: 'c', score: 3, seen: undefined },
    ]);
  });

  test('filter and update as MongoDB text go out as JSON strings, as the docs\' REST tab sends them', async () => {
    const mesh = uniqueMesh('team');
    await players(mesh, [
      { name: 'a', team: 'red', score: 1 },
      { name: 'b', team: 'blue', score: 2 },
    ]);
    const from = wire.sent.length;
    const result = await connection.meshesService.updateMany(mesh, "{ team: 'blue' }", '{ $set: { score: 0 } }');
    assert.equal(result.matchedCount, 1);
    assert.equal(result.modifiedCount, 1);
    assert.deepEqual(JSON.parse(sentSince(from)[0]!.body!), { filter: "{ team: 'blue' }", update: '{ $set: { score: 0 } }' });
    const blue = await connection.meshesService.search<Player>(mesh, { filter: { team: 'blue' } });
    assert.equal(blue.results[0]!.score, 0);
  });

  test('a filter object holding a RegExp goes out as its text; a match left unchanged is not counted as modified', async () => {
    const mesh = uniqueMesh('team');
    await players(mesh, [
      { name: 'Ann', team: 'red', score: 5 },
      { name: 'anna', team: 'red', score: 1 },
      { name: 'Bo', team: 'red', score: 1 },
    ]);
    const from = wire.sent.length;
    const result = await connection.meshesService.updateMany(mesh, { name: /^ann/i }, { $set: { score: 5 } });
    assert.equal(result.matchedCount, 2);
    assert.equal(result.modifiedCount, 1, 'Ann had score 5 already');
    assert.deepEqual(JSON.parse(sentSince(from)[0]!.body!), { filter: '{"name":RegExp("^ann","i")}', update: { $set: { score: 5 } } });
  });
});

describe('meshesService: delete and deleteMany', () => {
  test('deleteMany with an object or a text filter answers { deletedCount, isAcknowledged }', async () => {
    const mesh = uniqueMesh('team');
    await players(mesh, [
      { name: 'a', team: 'red', score: 1 },
      { name: 'b', team: 'red', score: 2 },
      { name: 'c', team: 'blue', score: 3 },
      { name: 'd', team: 'green', score: 4 },
    ]);
    const from = wire.sent.length;
    const red: DeleteManyResult = await connection.meshesService.deleteMany(mesh, { team: 'red' });
    assert.deepEqual(red, { deletedCount: 2, isAcknowledged: true });
    const [sent] = sentSince(from);
    assert.equal(sent!.method, 'DELETE');
    assert.deepEqual(queryOf(sent!.url), { filter: '{"team":"red"}' });
    assert.deepEqual(await connection.meshesService.deleteMany(mesh, '{ score: { $gt: 3 } }'), { deletedCount: 1, isAcknowledged: true });
    assert.deepEqual(await connection.meshesService.deleteMany(mesh, { team: 'nobody' }), { deletedCount: 0, isAcknowledged: true });
    const left = await connection.meshesService.search<Player>(mesh);
    assert.deepEqual(left.results.map((p) => p.name), ['c']);
  });

  test('deleteMany without a filter is refused with "Filter was not provided." and deletes nothing', async () => {
    const mesh = uniqueMesh('team');
    await players(mesh, [{ name: 'a', team: 'red', score: 1 }]);
    const error = await meshyError(connection.meshesService.deleteMany(mesh, undefined as unknown as string));
    assert.equal(error.statusCode, 400);
    assert.equal(error.reason, 'Filter was not provided.');
    assert.equal((await connection.meshesService.search(mesh)).totalRecords, 1);
  });

  test('delete of a record that does not exist is a 404 "Mesh data was not found."', async () => {
    const error = await meshyError(connection.meshesService.delete(uniqueMesh(), objectId()));
    assert.equal(error.statusCode, 404);
    assert.equal(error.reason, 'Mesh data was not found.');
  });
});

describe("meshesService: the server's refusals", () => {
  const invalid = (what: string) => `${what} is in an invalid format. It must be in a valid Mongo DB format.`;

  test('a mesh name that is not letters only', async () => {
    for (const call of [
      () => connection.meshesService.create('person1', { a: 1 }),
      () => connection.meshesService.get('two words', objectId()),
      () => connection.meshesService.search('per-son'),
    ]) {
      const error = await meshyError(call());
      assert.equal(error.statusCode, 400);
      assert.equal(error.reason, 'Mesh name is invalid and must be alpha characters only.');
    }
  });

  test('a property that begins with $ or holds a dot, at any depth', async () => {
    for (const data of [{ $set: 1 }, { 'a.b': 1 }, { nested: { deeper: [{ $x: 1 }] } }]) {
      const error = await meshyError(connection.meshesService.create(uniqueMesh(), data));
      assert.equal(error.statusCode, 400);
      assert.equal(error.reason, "Mesh property cannot begin with '$' or contain '.'.");
    }
  });

  test('filters, orderBy and updates that are not MongoDB documents', async () => {
    const mesh = uniqueMesh();
    const search = await meshyError(connection.meshesService.search(mesh, { filter: '{ firstName: ' }));
    assert.deepEqual([search.statusCode, search.reason], [400, invalid('Filter')]);
    const where = await meshyError(connection.meshesService.search(mesh, { filter: { $where: 'sleep(1000)' } }));
    assert.deepEqual([where.statusCode, where.reason], [400, invalid('Filter')]);
    const orderBy = await meshyError(connection.meshesService.search(mesh, { orderBy: { age: 'sideways' } }));
    assert.deepEqual([orderBy.statusCode, orderBy.reason], [400, invalid('Order by')]);
    const update = await meshyError(connection.meshesService.updateMany(mesh, { a: 1 }, { $explode: { a: 1 } }));
    assert.deepEqual([update.statusCode, update.reason], [400, invalid('Update')]);
    const deleteFilter = await meshyError(connection.meshesService.deleteMany(mesh, '{ $nope: 1 }'));
    assert.deepEqual([deleteFilter.statusCode, deleteFilter.reason], [400, 'Filter is in an invalid format.']);
  });

  test('updateMany without a filter or an update', async () => {
    const mesh = uniqueMesh();
    const noFilter = await meshyError(connection.meshesService.updateMany(mesh, undefined as unknown as string, { $set: { a: 1 } }));
    assert.deepEqual([noFilter.statusCode, noFilter.reason], [400, 'Filter is required.']);
    const noUpdate = await meshyError(connection.meshesService.updateMany(mesh, { a: 1 }, null as unknown as string));
    assert.deepEqual([noUpdate.statusCode, noUpdate.reason], [400, 'Update is required.']);
  });
});

describe('meshesService: calls refused before any request', () => {
  test('as argument_invalid MeshyErrors, with nothing sent', async () => {
    const service = connection.meshesService;
    const from = wire.sent.length;
    const bigInt = { n: BigInt(1) };
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const refusals: Array<[() => Promise<unknown>, RegExp]> = [
      [() => service.update('person', { firstName: 'no id' }), /id is required/],
      [() => service.create('person', { score: NaN }), /NaN/],
      [() => service.createMany('person', [{ score: Infinity }]), /Infinity/],
      [() => service.create('person', bigInt), /BigInt/],
      [() => service.create('person', { pattern: /x/ }), /RegExp/],
      [() => service.search('person', { filter: cycle }), /refers to itself/],
      [() => service.create('person', [{ a: 1 }]), /createMany/],
      [() => service.createMany('person', { a: 1 } as unknown as object[]), /array/],
      [() => service.update('person', null as unknown as object, objectId()), /must be an object/],
      [() => service.search('person', { page: 1, pageNumber: 2 }), /page and pageNumber/],
      [() => service.get('', objectId()), /mesh is required/],
      [() => service.delete('person', '..'), /id cannot be/],
    ];
    for (const [call, reason] of refusals) {
      const error = await meshyError(call());
      assert.equal(error.code, SdkErrorCodes.argumentInvalid);
      assert.equal(error.statusCode, 0);
      assert.match(error.reason, reason);
    }
    assert.deepEqual(sentSince(from), []);
  });

  test('ids and mesh names go into the path percent-encoded', async () => {
    const from = wire.sent.length;
    const error = await meshyError(connection.meshesService.get('person', 'a/b?c'));
    assert.equal(sentSince(from)[0]!.url, `${t.base}/meshes/person/a%2Fb%3Fc`);
    assert.equal(error.statusCode, 404, 'an id that is not an ObjectId names no record');
  });
});

describe('meshesService: permissions', () => {
  let locked: TestServer;
  before(async () => {
    locked = await startTestServer();
    // No default permissions: a user may do with meshes only what a role gives.
    await locked.setAccountSettings({ defaultPermissions: [] });
  });
  after(() => locked.close());

  test('a user without permission gets 403 with the reason of each action', async () => {
    const { connection: plain } = await anonymousLogin(clientFor(locked));
    const reasons: Array<[() => Promise<unknown>, string]> = [
      [() => plain.meshesService.create('person', { a: 1 }), 'User has insufficent permission to create meshes or specific mesh.'],
      [() => plain.meshesService.search('person'), 'User has insufficent permission to read meshes or mesh.'],
      [() => plain.meshesService.get('person', objectId()), 'User has insufficent permission to read meshes or mesh.'],
      [() => plain.meshesService.update('person', { a: 1 }, objectId()), 'User has insufficent permission to update meshes or mesh.'],
      [() => plain.meshesService.updateMany('person', { a: 1 }, { $set: { a: 2 } }), 'User has insufficent permission to update meshes or mesh.'],
      [() => plain.meshesService.delete('person', objectId()), 'User has insufficent permission to delete meshes or mesh.'],
      [() => plain.meshesService.deleteMany('person', { a: 1 }), 'User has insufficent permission to delete meshes or mesh.'],
    ];
    for (const [call, reason] of reasons) {
      const error = await meshyError(call());
      assert.equal(error.statusCode, 403);
      assert.equal(error.reason, reason);
    }
  });

  test('a permission on one mesh (meshes.person) allows that mesh only', async () => {
    const { connection: writer } = await loginWithRole(locked, clientFor(locked), ['meshes.person:cr']);
    const created = await writer.meshesService.create('person', { firstName: 'Pat' });
    assert.deepEqual(await writer.meshesService.get('person', created._id), created);
    const other = await meshyError(writer.meshesService.create('animal', { name: 'Rex' }));
    assert.equal(other.statusCode, 403);
    const update = await meshyError(writer.meshesService.update('person', { firstName: 'Sam' }, created._id));
    assert.equal(update.statusCode, 403);
    assert.equal(update.reason, 'User has insufficent permission to update meshes or mesh.');
  });
});

describe("meshesService: the account's Database limit", () => {
  let limited: TestServer;
  before(async () => {
    limited = await startTestServer();
    // A scan budget of 0 refuses every query that no index narrows.
    await limited.setAccountSettings({ scanBudget: 0 });
  });
  after(() => limited.close());

  test('an unindexed search is a 429 MeshyError with the documented reason; the session carries on', async () => {
    const { connection: user } = await anonymousLogin(clientFor(limited));
    const created = await user.meshesService.create('city', { name: 'Oslo' });
    for (const call of [
      () => user.meshesService.search('city', { filter: { name: 'Oslo' } }),
      () => user.meshesService.updateMany('city', { name: 'Oslo' }, { $set: { big: true } }),
      () => user.meshesService.deleteMany('city', { name: 'Oslo' }),
    ]) {
      const error = await meshyError(call());
      assert.equal(error.statusCode, 429);
      assert.equal(error.reason, Reasons.rateLimited);
      assert.equal(error.code, 'database_limit_exceeded');
      assert.equal(error.sessionEnded, false);
    }
    assert.deepEqual(await user.meshesService.get('city', created._id), created, 'reads by id need no scan');
  });
});

test('MeshesService is exported for typing and instanceof', () => {
  assert.ok(connection.meshesService instanceof MeshesService);
});
