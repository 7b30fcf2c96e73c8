import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseFilter, parseOrderBy } from '../../../../src/query/parse.js';
import type { CompileContext } from '../../../../src/query/sql/compile.js';
import type { JsonObject } from '../../../../src/query/tree.js';
import { compileFor, postgresTables, shapesOfAll, sqliteTable, type SqliteTable, type Table } from './tables.js';

/**
 * An index built on indexKeyExpression serves what the compiler emits for its paths: the plans
 * of SQLite and PostgreSQL show an index search (not a scan of the mesh) for equality and ranges,
 * and an index order with no sort step for `WHERE a = ? ORDER BY b` on an index over (a, b). On
 * SQLite the index is the store's own (partial on the mesh, with its planner figures), queried
 * as the store queries.
 */
const MESH = 'plans';
const documents: JsonObject[] = Array.from({ length: 3000 }, (_, i) => ({
  _id: `id${String(i).padStart(5, '0')}`,
  a: i % 100,
  b: i,
  name: `name${i}`,
  note: i % 2 === 0 ? 'even' : 'odd',
}));

describe('query plans: indexes on indexKeyExpression serve compiled filters and sorts', () => {
  let sqlite: SqliteTable;
  let postgres: Table;
  let closePostgres: () => Promise<void>;
  const index: Record<string, Record<string, string>> = { sqlite: {}, postgres: {} };
  const context: CompileContext = { shapes: shapesOfAll(documents), indexedPaths: new Set(['a', 'b', 'name']) };

  before(async () => {
    const tables = await postgresTables();
    closePostgres = tables.close;
    sqlite = sqliteTable();
    postgres = tables.tables[0] as Table;
    for (const table of [sqlite, postgres]) {
      await table.load(MESH, documents);
      // Unrelated meshes, so that the account and mesh columns alone are not selective.
      await table.load('other', documents);
      const names = index[table.dialect] as Record<string, string>;
      const create = (...paths: string[]) => (table === sqlite ? sqlite.createMeshIndex(MESH, ...paths) : table.createIndex(...paths));
      names['a'] = await create('a');
      names['b'] = await create('b');
      names['name'] = await create('name');
      names['a,b'] = await create('a', 'b');
    }
  });
  after(async () => {
    await sqlite.close();
    await closePostgres();
  });

  async function plan(table: Table, filterText: string, sortText?: string): Promise<{ plan: string; ids: string[] }> {
    const filter = parseFilter(filterText);
    const sort = parseOrderBy(sortText);
    const compiled = compileFor(table, { filter, sort }, context);
    assert.ok(compiled.exact && compiled.sortExact, `${filterText} compiles exactly`);
    if (process.env.SHOW_PLANS) console.log(compiled.where, compiled.orderBy, "\n" + (await table.explain(MESH, compiled)));
    return { plan: await table.explain(MESH, compiled), ids: await table.search(MESH, compiled, filter, sort) };
  }

  function usesIndex(table: Table, text: string, name: string): void {
    if (table.dialect === 'sqlite') {
      assert.match(text, new RegExp(`SEARCH mesh_documents USING (COVERING )?INDEX ${name} \\(`), text);
      assert.doesNotMatch(text, /SCAN mesh_documents/, text);
    } else {
      assert.match(text, new RegExp(`Index (Only )?Scan (Backward )?(using|on) ${name}\\b`), text);
      assert.doesNotMatch(text, /Seq Scan/, text);
    }
  }

  for (const dialect of ['sqlite', 'postgres'] as const) {
    const table = (): Table => (dialect === 'sqlite' ? sqlite : postgres);
    const name = (paths: string): string => index[dialect]?.[paths] as string;

    test(`${dialect}: equality on a number uses the index on that path`, async () => {
      const { plan: text, ids } = await plan(table(), '{ b: 1234 }');
      usesIndex(table(), text, name('b'));
      assert.deepEqual(ids, ['id01234']);
    });

    test(`${dialect}: equality on a string uses the index on that path`, async () => {
      const { plan: text, ids } = await plan(table(), "{ name: 'name42' }");
      usesIndex(table(), text, name('name'));
      assert.deepEqual(ids, ['id00042']);
    });

    test(`${dialect}: a range uses the index`, async () => {
      const { plan: text, ids } = await plan(table(), '{ b: { $gte: 100, $lt: 103 } }');
      usesIndex(table(), text, name('b'));
      assert.deepEqual(ids, ['id00100', 'id00101', 'id00102']);
    });

    test(`${dialect}: WHERE a = ? ORDER BY b comes in the order of the index on (a, b), without a sort`, async () => {
      const { plan: text, ids } = await plan(table(), '{ a: 7, note: "odd" }', '{ b: 1 }');
      usesIndex(table(), text, name('a,b'));
      if (dialect === 'sqlite') assert.doesNotMatch(text, /TEMP B-TREE/, text);
      else assert.doesNotMatch(text, /Sort/, text);
      assert.deepEqual(ids.slice(0, 3), ['id00007', 'id00107', 'id00207']);
      assert.equal(ids.length, 30);
    });
  }
});
