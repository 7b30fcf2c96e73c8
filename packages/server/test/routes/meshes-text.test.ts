import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

type Answer = { status: number; body: any };

const TEXT = '400 mesh_text_invalid: Mesh data cannot hold the character U+0000 or an unpaired surrogate.';
const UPDATE_TEXT = '400 update_text_invalid: Update would put the character U+0000 or an unpaired surrogate in mesh data.';
const RUNS = Number(process.env.FUZZ_RUNS ?? 300) / 10;

/**
 * U+0000 and unpaired surrogates in mesh data: PostgreSQL cannot store them (jsonb refuses both
 * escapes), so both stores refuse them, in a value or a property name, on every way in (POST one
 * or many, PUT, PATCH), and store nothing. Filters and orders holding them are valid and answered
 * as MongoDB would over documents that cannot hold them, the same on both stores.
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`U+0000 in mesh data and queries (${kind})`, () => {
    let t: TestServer;
    let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    let token: string;
    const call = (method: string, path: string, body?: unknown): Promise<Answer> =>
      request(`${t.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    const reason = (res: Answer) => `${res.status} ${res.body?.code}: ${res.body?.message}`;
    const q = (value: unknown) => encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value));
    /** Every document of the mesh, by `_id`. */
    const everything = async (mesh: string): Promise<any[]> => {
      const res = await call('GET', `/meshes/${mesh}?orderBy=${q({ _id: 1 })}&pageSize=200`);
      assert.equal(res.status, 200, reason(res));
      return res.body.results;
    };
    const ids = (res: Answer) => (res.body.results as { _id: string }[]).map((document) => document._id);

    before(async () => {
      database = kind === 'postgres' ? await createTestDatabase() : undefined;
      t = await startTestServer({ logLevel: 'warn', databaseUrl: database?.url });
      token = (await login(t)).access_token;
    });
    after(async () => {
      await t.close();
      await database?.drop();
    });

    test('POST and PUT refuse a document with U+0000 or a lone surrogate in a value or a name; nothing is stored', async () => {
      const kept = await call('POST', '/meshes/docs', { a: 'x', o: { k: ['y'] } });
      assert.equal(kept.status, 201, reason(kept));
      const id = kept.body._id as string;
      // JSON bodies as a client writes them: the escapes, and raw text in a name.
      const bodies = [
        '{"a":"\\u0000"}',
        '{"a\\u0000":1}',
        '{"o":{"k":["x\\u0000y"]}}',
        '{"o":{"\\u0000":{"deep":true}}}',
        '{"a":"\\ud800"}',
        '{"\\udc00":1}',
        '{"a":["\\ude00\\ud83d"]}',
      ];
      for (const body of bodies) {
        assert.equal(reason(await call('POST', '/meshes/docs', body)), TEXT, body);
        assert.equal(reason(await call('PUT', `/meshes/docs/${id}`, body)), TEXT, body);
      }
      // A bulk create is all or nothing, with the refused object's reason.
      const bulk = await call('POST', '/meshes/docs', [{ a: 1 }, { a: 'b\u0000' }]);
      assert.equal(bulk.body.code, 'mesh_batch_invalid', reason(bulk));
      assert.deepEqual(bulk.body.errors.map((error: { index: number; code: string }) => [error.index, error.code]), [[1, 'mesh_text_invalid']]);
      assert.deepEqual(await everything('docs'), [kept.body]);

      // What only looks like them is text like any other: a backslash and "u0000", a surrogate pair.
      const lookalike = await call('POST', '/meshes/docs', { a: '\\u0000', b: '\\\\u0000', 'c\\ud800': '\u{1F600}' });
      assert.equal(lookalike.status, 201, reason(lookalike));
      assert.deepEqual((await call('GET', `/meshes/docs/${lookalike.body._id}`)).body, lookalike.body);
      assert.equal(lookalike.body.a, '\\u0000');
    });

    test('any JSON document with U+0000 put somewhere in a string or a name is refused, and the same without it is stored', async () => {
      const text = fc.string({ unit: fc.constantFrom('a', 'é', ' ', '\\', 'u', '0', '\u{1F600}'), maxLength: 6 });
      const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
        value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(text.filter(isPlainName), tie('value'), { maxKeys: 3 })),
      })).value;
      const documents = fc.dictionary(text.filter(isPlainName), value, { minKeys: 1, maxKeys: 4 });
      let stored = 0;
      await fc.assert(
        fc.asyncProperty(documents, fc.nat(), fc.nat(), async (document, which, where) => {
          const withNul = insertNul(document, which, where);
          assert.equal(reason(await call('POST', '/meshes/random', withNul)), TEXT, JSON.stringify(withNul));
          const fine = await call('POST', '/meshes/random', document);
          assert.equal(fine.status, 201, `${JSON.stringify(document)}: ${reason(fine)}`);
          stored++;
        }),
        { numRuns: RUNS },
      );
      const all = await call('GET', '/meshes/random?pageSize=1');
      assert.equal(all.body.totalRecords, stored);
    });

    test('PATCH that would write U+0000 or a lone surrogate is refused whole; one that writes none of it applies', async () => {
      const created = await call('POST', '/meshes/patched', [
        { _id: '000000000000000000000001', s: 'x', list: ['x'], n: 1 },
        { _id: '000000000000000000000002', s: 'y', list: ['y'], n: 2 },
      ]);
      assert.equal(created.status, 201, reason(created));
      const before = await everything('patched');
      const filter = {};
      for (const update of [
        { $set: { s: '\u0000' } },
        { $set: { ['t\u0000']: 1 } },
        { $set: { 'o.k\u0000': 1 } },
        { $set: { o: { ['\u0000']: [1] } } },
        { $rename: { s: 's\u0000' } },
        { $push: { list: 'x\u0000' } },
        { $addToSet: { list: { $each: ['z', '\ud800'] } } },
        { $max: { s: 'z\u0000' } },
        // One document's change is enough to refuse the PATCH for all.
        { $set: { 'list.$[]': 'ok' }, $max: { n: 2, s: 'y\u0000' } },
        '{ $set: { s: "\\0" } }',
        '{ $set: { s: "\\ud800" } }',
      ]) {
        assert.equal(reason(await call('PATCH', '/meshes/patched', { filter, update })), UPDATE_TEXT, JSON.stringify(update));
        assert.deepEqual(await everything('patched'), before, JSON.stringify(update));
      }
      // The text is there but never written: a $pull condition, an $unset, a $min that loses.
      const fine = await call('PATCH', '/meshes/patched', { filter, update: { $pull: { list: '\u0000' }, $unset: { ['gone\u0000']: '' }, $min: { s: 'z\u0000' }, $inc: { n: 10 } } });
      assert.equal(fine.status, 200, reason(fine));
      assert.deepEqual([fine.body.matchedCount, fine.body.modifiedCount], [2, 2]);
      assert.deepEqual((await everything('patched')).map((document) => document.n), [11, 12]);
      // A filter that matches nothing writes nothing, whatever the update holds.
      const none = await call('PATCH', '/meshes/patched', { filter: { s: 'absent' }, update: { $set: { s: '\u0000' } } });
      assert.deepEqual([none.status, none.body.matchedCount], [200, 0], reason(none));
    });

    test('filters and orders with U+0000 are valid, and select what MongoDB would from documents that cannot hold it', async () => {
      const created = await call('POST', '/meshes/found', [
        { _id: '000000000000000000000001', a: 'x' },
        { _id: '000000000000000000000002', a: 'y', b: 1 },
        { _id: '000000000000000000000003', b: 2 },
      ]);
      assert.equal(created.status, 201, reason(created));
      const all = ['000000000000000000000001', '000000000000000000000002', '000000000000000000000003'];
      const cases: [unknown, string[]][] = [
        [{ a: '\u0000' }, []],
        [{ a: 'x\u0000' }, []],
        ['{ a: "\\0" }', []],
        [{ a: { $ne: '\u0000' } }, all],
        [{ a: { $in: ['\u0000', 'x'] } }, [all[0]!]],
        [{ a: { $nin: ['\u0000'] } }, all],
        [{ a: { $gt: 'x\u0000' } }, [all[1]!]],
        [{ ['a\u0000']: 1 }, []],
        // A name no document can have is missing from all of them, and missing matches null.
        [{ ['a\u0000']: null }, all],
        [{ ['a\u0000']: { $exists: false } }, all],
        [{ $or: [{ a: '\u0000' }, { b: 2 }] }, [all[2]!]],
        [{ a: '\ud800' }, []],
      ];
      for (const [filter, expected] of cases) {
        const res = await call('GET', `/meshes/found?filter=${q(filter)}&orderBy=${q({ _id: 1 })}`);
        assert.equal(res.status, 200, `${JSON.stringify(filter)}: ${reason(res)}`);
        assert.deepEqual(ids(res), expected, JSON.stringify(filter));
      }
      // A sort by a name no document has leaves the order to `_id`.
      const sorted = await call('GET', `/meshes/found?orderBy=${q({ ['a\u0000']: -1 })}`);
      assert.deepEqual(ids(sorted), all, reason(sorted));
      // A regex cannot hold a NUL (nor can MongoDB's): the filter's documented sentence.
      const regex = await call('GET', `/meshes/found?filter=${q({ a: { $regex: 'x\u0000' } })}`);
      assert.equal(reason(regex), '400 filter_invalid: Filter is in an invalid format. It must be in a valid Mongo DB format.');

      const patched = await call('PATCH', '/meshes/found', { filter: { a: '\u0000' }, update: { $set: { c: 1 } } });
      assert.deepEqual([patched.status, patched.body.matchedCount], [200, 0], reason(patched));
      const deleted = await call('DELETE', `/meshes/found?filter=${q({ a: { $in: ['\u0000', 'y'] } })}`);
      assert.deepEqual([deleted.status, deleted.body.deletedCount], [200, 1], reason(deleted));
      assert.deepEqual((await everything('found')).map((document) => document._id), [all[0], all[2]]);
    });

    test('an id with U+0000 in the path names no document', async () => {
      for (const method of ['GET', 'DELETE']) {
        assert.equal(reason(await call(method, '/meshes/found/%00')), '404 mesh_not_found: Mesh data was not found.', method);
      }
      assert.equal(reason(await call('PUT', '/meshes/found/a%00b', { a: 1 })), '404 mesh_not_found: Mesh data was not found.');
    });
  });
}

/** Names a document may have: not `$`-led, no `.` (their own reason), not `_id` (it must be an ObjectId). */
function isPlainName(name: string): boolean {
  return !name.startsWith('$') && !name.includes('.') && name !== '_id' && name !== '__proto__';
}

/** The document with U+0000 put into one of its strings or names: the `which`-th, at `where`. */
function insertNul(document: Record<string, unknown>, which: number, where: number): unknown {
  let texts = 0;
  const count = (value: unknown): void => {
    if (typeof value === 'string') texts++;
    else if (Array.isArray(value)) value.forEach(count);
    else if (typeof value === 'object' && value !== null) {
      for (const item of Object.values(value)) {
        texts++; // its name
        count(item);
      }
    }
  };
  count(document);
  const target = which % texts;
  let seen = 0;
  const put = (text: string) => (seen++ === target ? `${text.slice(0, where % (text.length + 1))}\u0000${text.slice(where % (text.length + 1))}` : text);
  const rebuild = (value: unknown): unknown => {
    if (typeof value === 'string') return put(value);
    if (Array.isArray(value)) return value.map(rebuild);
    if (typeof value !== 'object' || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) {
      const renamed = put(name);
      out[renamed] = rebuild(item);
    }
    return out;
  };
  return rebuild(document);
}
