import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

type Answer = { status: number; body: any };

const OVERFLOW = '400 update_number_overflow: Update would make a number too large to store.';
const INVALID = '400 update_invalid: Update is in an invalid format. It must be in a valid Mongo DB format.';

/**
 * PATCH arithmetic that would leave the finite doubles: JSON cannot hold Infinity or NaN, and
 * JSON.stringify would have stored `null` in their place. The PATCH is refused with its own
 * reason, and nothing of it is written, on both stores.
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`PATCH numbers past the doubles (${kind})`, () => {
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
    const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));
    /** Every document of the mesh, by `_id`, as GET answers them. */
    const everything = async (mesh: string): Promise<unknown[]> => {
      const documents: unknown[] = [];
      for (let page = 1; ; page++) {
        const res = await call('GET', `/meshes/${mesh}?orderBy=${q({ _id: 1 })}&pageSize=200&page=${page}`);
        assert.equal(res.status, 200, reason(res));
        documents.push(...res.body.results);
        if (documents.length >= res.body.totalRecords) return documents;
      }
    };

    before(async () => {
      database = kind === 'postgres' ? await createTestDatabase() : undefined;
      t = await startTestServer({ logLevel: 'warn', databaseUrl: database?.url });
      token = (await login(t)).access_token;
    });
    after(async () => {
      await t.close();
      await database?.drop();
    });

    test('$mul and $inc that overflow are refused with their own reason; the document keeps its number', async () => {
      const created = await call('POST', '/meshes/big', { n: 1e308, m: -1e308, max: Number.MAX_VALUE, small: 1e307 });
      assert.equal(created.status, 201, reason(created));
      const id = created.body._id as string;
      const filter = { _id: id };
      for (const update of [
        { $mul: { n: 10 } },
        '{ $mul: { n: 10 } }',
        { $mul: { n: -10 } },
        { $mul: { m: 2 } },
        { $inc: { n: 1e308 } },
        { $inc: { m: -1e308 } },
        { $inc: { max: Number.MAX_VALUE } },
        // One operation that overflows refuses the others of the update too.
        { $inc: { small: 1 }, $mul: { n: 10 } },
      ]) {
        assert.equal(reason(await call('PATCH', '/meshes/big', { filter, update })), OVERFLOW, JSON.stringify(update));
      }
      assert.deepEqual((await call('GET', `/meshes/big/${id}`)).body, created.body);

      // Up to the largest double is fine; so is what rounds back into range.
      const fine = await call('PATCH', '/meshes/big', { filter, update: { $mul: { small: 10 }, $inc: { max: 1 } } });
      assert.equal(fine.status, 200, reason(fine));
      assert.equal(fine.body.modifiedCount, 1);
      const updated = (await call('GET', `/meshes/big/${id}`)).body;
      assert.equal(updated.small, 1e308);
      assert.equal(updated.max, Number.MAX_VALUE);
    });

    test('no other operator brings a number JSON cannot hold: 1e400, Infinity and NaN are refused as the format', async () => {
      const created = await call('POST', '/meshes/other', { n: 1, list: [1] });
      const id = created.body._id as string;
      const filter = `{ _id: ObjectId("${id}") }`;
      const raw = (update: string) => call('PATCH', '/meshes/other', `{"filter": ${JSON.stringify(filter)}, "update": ${update}}`);
      // JSON bodies whose numbers parse to Infinity, and shell texts that write Infinity or NaN.
      for (const update of ['{"$set": {"n": 1e400}}', '{"$max": {"n": 1e400}}', '{"$min": {"n": -1e400}}', '{"$push": {"list": 1e400}}', '{"$addToSet": {"list": {"$each": [1e400]}}}', '{"$inc": {"n": 1e400}}', '{"$mul": {"n": -1e400}}']) {
        assert.equal(reason(await raw(update)), INVALID, update);
      }
      for (const update of ['{ $set: { n: Infinity } }', '{ $inc: { n: -Infinity } }', '{ $max: { n: NaN } }', '{ $push: { list: 1e400 } }', '{ $set: { n: Number("Infinity") } }']) {
        const res = await call('PATCH', '/meshes/other', { filter, update });
        assert.equal(res.status, 400, `${update}: ${reason(res)}`);
        assert.equal(res.body.code, 'update_invalid', update);
      }
      assert.deepEqual((await call('GET', `/meshes/other/${id}`)).body, created.body);
    });

    test('a refusal on the 500th document leaves the 499 before it unchanged', async () => {
      // Ascending ids, inserted in order: the overflowing document is the last the PATCH reaches,
      // after it has applied the update to the 499 others in its transaction.
      const documents = Array.from({ length: 500 }, (_, i) => ({
        _id: (i + 1).toString(16).padStart(24, '0'),
        n: i === 499 ? 1e308 : i + 1,
        tag: 'batch',
      }));
      const created = await call('POST', '/meshes/many', documents);
      assert.equal(created.status, 201, reason(created));
      const before = await everything('many');
      assert.equal(before.length, 500);

      for (const filter of ['{ tag: "batch" }', '{ n: { $gte: 1 } }', '{}']) {
        assert.equal(reason(await call('PATCH', '/meshes/many', { filter, update: { $mul: { n: 10 }, $set: { touched: true } } })), OVERFLOW, filter);
        assert.deepEqual(await everything('many'), before, filter);
      }

      // Without the overflowing document the same update applies to all 499.
      const applied = await call('PATCH', '/meshes/many', { filter: { n: { $lt: 1000 } }, update: { $mul: { n: 10 } } });
      assert.equal(reason(applied), '200 undefined: undefined');
      assert.equal(applied.body.modifiedCount, 499);
      const afterwards = (await everything('many')) as { n: number }[];
      assert.deepEqual(afterwards.map((d) => d.n), [...Array.from({ length: 499 }, (_, i) => (i + 1) * 10), 1e308]);
    });

    test('an array index far past the end is refused, not padded until the process dies', async () => {
      const created = await call('POST', '/meshes/arrays', { list: [1], deep: [{ a: 1 }] });
      const id = created.body._id as string;
      const filter = { _id: id };
      for (const update of [{ $set: { 'list.99999999999': 1 } }, { $inc: { 'list.10002': 1 } }, { $set: { 'deep.5000000.a': 1 } }, { $push: { 'list.1e21': 1 } }]) {
        assert.equal(reason(await call('PATCH', '/meshes/arrays', { filter, update })), INVALID, JSON.stringify(update));
      }
      assert.deepEqual((await call('GET', `/meshes/arrays/${id}`)).body, created.body);
      // Up to 10,000 nulls of padding, as an app that writes `list.3` needs.
      const padded = await call('PATCH', '/meshes/arrays', { filter, update: { $set: { 'list.3': 4, 'deep.10001.a': 2 } } });
      assert.equal(padded.status, 200, reason(padded));
      const document = (await call('GET', `/meshes/arrays/${id}`)).body;
      assert.deepEqual(document.list, [1, null, null, 4]);
      assert.equal(document.deep.length, 10002);
      assert.deepEqual(document.deep[10001], { a: 2 });
    });
  });
}
