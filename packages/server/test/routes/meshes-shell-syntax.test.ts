import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

type Answer = { status: number; body: any };

/** Filter text in today's syntax (ES2019+): what JSON and a current shell write, read as they mean it. */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`filter text beyond ES6 (${kind})`, () => {
    let t: TestServer;
    let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    let token: string;
    const call = (method: string, path: string, body?: unknown): Promise<Answer> =>
      request(`${t.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const reason = (res: Answer) => `${res.status} ${res.body?.code}: ${res.body?.message}`;
    /** The `text` of every document the filter finds, in `_id` order. */
    const found = async (filter: string): Promise<string[]> => {
      const res = await call('GET', `/meshes/notes?filter=${encodeURIComponent(filter)}&orderBy=${encodeURIComponent('{ _id: 1 }')}`);
      assert.equal(res.status, 200, `${filter}: ${reason(res)}`);
      return res.body.results.map((document: { text: string }) => document.text);
    };

    before(async () => {
      database = kind === 'postgres' ? await createTestDatabase() : undefined;
      t = await startTestServer({ logLevel: 'warn', databaseUrl: database?.url });
      token = (await login(t)).access_token;
      const texts = ['a\nb', 'axb', 'ab', 'a\u2028b', 'A\nB'];
      const created = await call('POST', '/meshes/notes', texts.map((text, i) => ({ _id: String(i + 1).padStart(24, '0'), text })));
      assert.equal(created.status, 201, reason(created));
    });
    after(async () => {
      await t.close();
      await database?.drop();
    });

    test('/a.b/s is dotAll, as MongoDB\'s s option: . matches a newline', async () => {
      assert.deepEqual(await found('{ text: /a.b/s }'), ['a\nb', 'axb', 'a\u2028b']);
      assert.deepEqual(await found('{ text: { $regex: "a.b", $options: "s" } }'), ['a\nb', 'axb', 'a\u2028b']);
      assert.deepEqual(await found('{ text: /a.b/is }'), ['a\nb', 'axb', 'a\u2028b', 'A\nB']);
      // Without it . stops at \n only (PCRE's rule), not at U+2028.
      assert.deepEqual(await found('{ text: /a.b/ }'), ['axb', 'a\u2028b']);
    });

    test('a raw U+2028 inside a string, which JSON allows, is that character', async () => {
      assert.deepEqual(await found('{ "text": "a\u2028b" }'), ['a\u2028b']);
      assert.deepEqual(await found("{ text: { $in: ['a\u2028b', 'ab'] } }"), ['ab', 'a\u2028b']);
      const patched = await call('PATCH', '/meshes/notes', { filter: '{ text: "a\u2028b" }', update: '{ $set: { tag: "line\u2029separator" } }' });
      assert.equal(patched.status, 200, reason(patched));
      assert.equal(patched.body.modifiedCount, 1);
      const document = (await call('GET', `/meshes/notes/${'4'.padStart(24, '0')}`)).body;
      assert.equal(document.tag, 'line\u2029separator');
    });

    test('code in the newer syntax is still refused', async () => {
      const invalid = '400 filter_invalid: Filter is in an invalid format. It must be in a valid Mongo DB format.';
      for (const filter of ['{ get text() {} }', '{ text: async () => 1 }', '{ text: `${1}` }', '{ text: class {} }', '{ ...{ text: 1 } }', '{ text: /x/d }']) {
        assert.equal(reason(await call('GET', `/meshes/notes?filter=${encodeURIComponent(filter)}`)), invalid, filter);
      }
    });
  });
}
