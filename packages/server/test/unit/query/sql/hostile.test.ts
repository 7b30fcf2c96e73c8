import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { matches, sortDocuments } from '../../../../src/query/evaluate.js';
import { parseFilter, parseOrderBy } from '../../../../src/query/parse.js';
import { indexKeyExpression, isIndexablePath } from '../../../../src/query/sql/compile.js';
import type { JsonObject } from '../../../../src/query/tree.js';
import { compileFor, postgresTables, shapesOfAll, sqliteTable, type Table } from './tables.js';

/**
 * Keys and strings that SQL text, JSON paths or the engines' string types treat specially reach
 * the engines only as parameters, never fail a statement, and give the evaluator's answers.
 */
const KEYS = ["a'b", 'a"b', 'a\\b', 'a b', 'é', '[0]', 'a]', '*', '0', "'); DROP TABLE mesh_documents; --", 'a\u0000b', 'x\ud800', '\u{1F600}'];
/** PostgreSQL's jsonb cannot hold NUL or a lone surrogate: its table holds the others. */
const UNSTORABLE_IN_JSONB = new Set(['a\u0000b', 'x\ud800']);
const documents: JsonObject[] = KEYS.flatMap((key, i) => [
  { _id: `k${String(i).padStart(2, '0')}`, [key]: key, o: { [key]: i } },
  { _id: `v${String(i).padStart(2, '0')}`, s: key, o: { n: i } },
]);
const jsonbDocuments = documents.filter((document) => !Object.values(document).some((value) => UNSTORABLE_IN_JSONB.has(value as string)));
const storedIn = (table: Table): JsonObject[] => (table.dialect === 'sqlite' ? documents : jsonbDocuments);

describe('hostile keys and strings', () => {
  let tables: Table[];
  let closePostgres: () => Promise<void>;

  before(async () => {
    const postgres = await postgresTables();
    closePostgres = postgres.close;
    tables = [sqliteTable(), ...postgres.tables];
    for (const table of tables) await table.load('hostile', storedIn(table));
  });
  after(async () => {
    for (const table of tables) await table.close();
    await closePostgres();
  });

  const filters: unknown[] = KEYS.flatMap((key) => [
    { [key]: key },
    { [key]: { $exists: false } },
    { [`o.${key}`]: { $gte: 0 } },
    { s: key },
    { s: { $gt: key } },
    { s: { $in: [key, 'x'] } },
    // The parser refuses a NUL in a regex; every other key is a regex's literal prefix here.
    ...(key.includes('\u0000') ? [] : [{ s: { $regex: `^${key.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}` } }]),
    { $nor: [{ s: key }] },
  ]);

  test('every filter runs on both engines and selects what the evaluator does', async () => {
    for (const table of tables) {
      const stored = storedIn(table);
      const shapes = shapesOfAll(stored);
      for (const mongoFilter of filters) {
        const filter = parseFilter(mongoFilter);
        const sort = parseOrderBy({ s: 1 });
        const expected = sortDocuments(
          stored.filter((document) => matches(filter, document)),
          sort,
        ).map((document) => document['_id']);
        const compiled = compileFor(table, { filter, sort }, { shapes, indexedPaths: new Set(['s']) });
        assert.deepEqual(await table.search('hostile', compiled, filter, sort), expected, `${table.dialect} ${JSON.stringify(mongoFilter)}: ${compiled.where}`);
      }
    }
  });

  test("filters at the parser's limits (long $or, huge $in, deep nesting, arrays on the way) run on both engines", async () => {
    let deep: Record<string, unknown> = { 'o.n': { $gte: 3 } };
    for (let i = 0; i < 14; i++) deep = i % 2 === 0 ? { $nor: [deep, { s: 'x' }] } : { $and: [deep, { 'o.n': { $ne: i } }] };
    const big: unknown[] = [
      { $or: Array.from({ length: 200 }, (_, i) => ({ 'o.n': i % 50, s: { $ne: String(i) } })) },
      { 'o.n': { $in: Array.from({ length: 990 }, (_, i) => i - 495) } },
      deep,
      { $or: Array.from({ length: 200 }, (_, i) => ({ 'list.x.y': i * 2 })) },
    ];
    const withArrays: JsonObject[] = documents.map((document, i) => ({ ...document, list: i % 3 === 0 ? [{ x: [{ y: i }] }, 5] : { x: { y: i } } }));
    for (const table of tables) {
      const stored = storedIn(table).map((document) => withArrays.find((other) => other['_id'] === document['_id']) as JsonObject);
      await table.load('big', stored);
      const shapes = shapesOfAll(stored);
      for (const mongoFilter of big) {
        const filter = parseFilter(mongoFilter);
        const expected = sortDocuments(stored.filter((document) => matches(filter, document)), undefined).map((document) => document['_id']);
        const compiled = compileFor(table, { filter }, { shapes, indexedPaths: new Set(['o.n']) });
        assert.ok(compiled.exact);
        assert.ok(expected.length > 0 && expected.length < stored.length, `a filter that tells documents apart: ${JSON.stringify(mongoFilter).slice(0, 60)} ${expected.length}`);
        assert.deepEqual(await table.search('big', compiled, filter, undefined), expected, `${table.dialect} ${JSON.stringify(mongoFilter).slice(0, 80)}`);
      }
    }
  });

  test('only plain dotted paths can be indexed, and only they are written into SQL', () => {
    for (const path of ['a', 'a.b', 'A_1.b2.0', 'size.uom']) assert.ok(isIndexablePath(path), path);
    for (const path of ['', 'a.', '.a', 'a..b', 'a.$b', "a'b", 'a b', 'a-b', 'é', 'a"b', 'a\\b', 'a]']) {
      assert.equal(isIndexablePath(path), false, path);
      assert.throws(() => indexKeyExpression('sqlite', 'doc', path));
      assert.throws(() => indexKeyExpression('postgres', 'doc', path));
    }
    assert.equal(indexKeyExpression('sqlite', 'doc', 'a.b'), "json_extract(doc, '$.a.b')");
    assert.equal(indexKeyExpression('postgres', 'doc', 'a.b'), "COALESCE((doc #> '{a,b}'), 'null'::jsonb)");
  });

  test('a path named in indexedPaths that is not indexable is still a parameter', () => {
    const table = tables[0] as Table;
    const compiled = compileFor(table, { filter: parseFilter({ "a'b": 1 }) }, { shapes: shapesOfAll(documents), indexedPaths: new Set(["a'b"]) });
    assert.doesNotMatch(compiled.where, /a'b/);
  });
});
