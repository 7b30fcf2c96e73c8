import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { newObjectId } from '../../src/lib/ids.js';
import { newDocument, storedDocument } from '../../src/modules/meshes/documents.js';
import type { MeshStore } from '../../src/modules/meshes/store.js';
import { parseFilter } from '../../src/query/parse.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createTestDatabase } from '../helpers/postgres.js';

/** Calls `work` while recording every text JSON.parse is given. */
async function parsedTexts<T>(work: () => Promise<T>): Promise<{ value: T; texts: string[] }> {
  const original = JSON.parse;
  const texts: string[] = [];
  JSON.parse = ((text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
    texts.push(String(text));
    return original(text, reviver);
  }) as typeof JSON.parse;
  try {
    return { value: await work(), texts };
  } finally {
    JSON.parse = original;
  }
}

test('a stored document carries its parsed form, equal to its text parsed', () => {
  const id = newObjectId();
  for (const body of [{}, { _id: id, a: 1 }, { 2: 'x', b: [1, [2, { c: null }]], d: { e: 'é' } }, { _id: null, list: [] }]) {
    const document = body._id === id ? storedDocument(id, body) : newDocument(body, Date.now());
    assert.deepEqual(document.document, JSON.parse(document.json));
  }
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`mesh writes record shapes from the parsed document (${kind})`, () => {
    let meshes: MeshStore;
    let close: () => Promise<void>;
    const account = newObjectId();
    const budget = { maxScan: 1_000_000 };

    before(async () => {
      if (kind === 'postgres') {
        const database = await createTestDatabase();
        const store = await PostgresStore.open(database.url, 2);
        meshes = store.meshes;
        close = async () => {
          await store.close();
          await database.drop();
        };
      } else {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-parsed-writes-'));
        const store = SqliteStore.open(dir);
        meshes = store.meshes;
        close = async () => {
          await store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        };
      }
    });
    after(() => close());

    test('insert and replace never parse the text they were handed, and the shapes still steer queries', async () => {
      const first = newDocument({ name: 'a', tags: ['red', 'blue'] }, Date.now());
      const second = newDocument({ name: 'b', tags: 'red', nested: { list: [{ x: 1 }] } }, Date.now());
      const inserted = await parsedTexts(() => meshes.insert(account, 'things', [first, second]));
      assert.deepEqual(inserted.texts.filter((text) => text === first.json || text === second.json), []);
      // tags has held an array: { tags: 'red' } must match the array element as well as the string.
      const red = await meshes.search(account, 'things', { filter: parseFilter("{ tags: 'red' }"), offset: 0, limit: 10 }, budget);
      assert.equal(red.totalRecords, 2);
      const deep = await meshes.search(account, 'things', { filter: parseFilter('{ "nested.list.x": 1 }'), offset: 0, limit: 10 }, budget);
      assert.deepEqual(deep.results.map((document) => document.id), [second.id]);

      const replacement = storedDocument(first.id, { name: 'a', sizes: [[1, 2], [3]] });
      const replaced = await parsedTexts(() => meshes.replace(account, 'things', replacement));
      assert.equal(replaced.value, true);
      assert.deepEqual(replaced.texts.filter((text) => text === replacement.json), []);
      const sized = await meshes.search(account, 'things', { filter: parseFilter('{ sizes: [3] }'), offset: 0, limit: 10 }, budget);
      assert.deepEqual(sized.results.map((document) => document.json), [replacement.json]);
    });

    test('a document handed without its parsed form is parsed by the store', async () => {
      const id = newObjectId();
      const json = JSON.stringify({ _id: id, colours: ['green'] });
      await meshes.insert(account, 'bare', [{ id, json }]);
      const green = await meshes.search(account, 'bare', { filter: parseFilter("{ colours: 'green' }"), offset: 0, limit: 10 }, budget);
      assert.deepEqual(green.results, [{ id, json }]);
    });
  });
}
