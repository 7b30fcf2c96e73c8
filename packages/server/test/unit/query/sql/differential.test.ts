import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { matches, sortDocuments } from '../../../../src/query/evaluate.js';
import { parseFilter, parseOrderBy, QueryError } from '../../../../src/query/parse.js';
import type { CompileContext } from '../../../../src/query/sql/compile.js';
import { type PathShapes, SHAPE } from '../../../../src/query/sql/shapes.js';
import type { Filter, JsonObject, Sort } from '../../../../src/query/tree.js';
import { filter, flatCollection, sort, wideCollection } from './arbitraries.js';
import { compileFor, postgresTables, shapesOfAll, sqliteTable, type Table } from './tables.js';

/**
 * The compiled SQL, run on real SQLite and PostgreSQL tables, returns the evaluator's ids in the
 * evaluator's order, with and without indexes on the generated paths; and on data without
 * arrays, most queries come back exact, so an evaluator fallback cannot hide a compiler gap.
 * FUZZ_RUNS scales the number of data sets (default 300 → 60 here, each with several queries).
 */
const DATA_SETS = Math.max(10, Math.round(Number(process.env.FUZZ_RUNS ?? 300) / 5));
const INDEXED = new Set(['a', 'b', 'a.b', 'c']);

function parsed<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (error instanceof QueryError) return undefined;
    throw error;
  }
}

interface Tally {
  queries: number;
  exact: number;
  /** Sorts whose paths only ever held scalars (no array on the way, no object or array at the end). */
  scalarSorts: number;
  scalarSortExact: number;
}

function onScalars(sort: Sort, shapes: PathShapes): boolean {
  return sort.every((key) =>
    key.path.every((_, i) => {
      const bits = shapes.get(key.path.slice(0, i + 1).join('.')) ?? 0;
      return (bits & SHAPE.array) === 0 && (i < key.path.length - 1 || (bits & SHAPE.object) === 0);
    }),
  );
}

describe('compiled SQL agrees with the evaluator on SQLite and PostgreSQL', () => {
  let tables: Table[];
  let closePostgres: () => Promise<void>;
  let meshes = 0;

  before(async () => {
    const postgres = await postgresTables();
    closePostgres = postgres.close;
    tables = [sqliteTable(), ...postgres.tables];
    for (const table of tables) for (const path of INDEXED) await table.createIndex(path);
  });
  after(async () => {
    for (const table of tables) await table.close();
    await closePostgres();
  });

  async function check(documents: JsonObject[], filters: unknown[], sorts: unknown[], tally: Tally): Promise<void> {
    const mesh = `m${++meshes}`;
    const shapes = shapesOfAll(documents);
    for (const table of tables) await table.load(mesh, documents);
    const queries: { filter: Filter | undefined; sort: Sort | undefined; text: string }[] = [];
    filters.forEach((mongoFilter, i) => {
      const tree = parsed(() => parseFilter(structuredClone(mongoFilter)));
      const order = parsed(() => parseOrderBy(structuredClone(sorts[i % sorts.length])));
      if (tree !== undefined) queries.push({ filter: tree, sort: order, text: `${JSON.stringify(mongoFilter)} orderBy ${JSON.stringify(sorts[i % sorts.length])}` });
    });
    for (const query of queries) {
      const expected = sortDocuments(
        documents.filter((document) => matches(query.filter, document)),
        query.sort,
      ).map((document) => document['_id']);
      for (const indexedPaths of [new Set<string>(), INDEXED]) {
        const context: CompileContext = { shapes, indexedPaths };
        for (const table of tables) {
          const compiled = compileFor(table, query, context);
          let actual: string[];
          try {
            actual = await table.search(mesh, compiled, query.filter, query.sort);
          } catch (error) {
            assert.fail(`${table.dialect}: ${query.text} failed: ${(error as Error).message}\n${compiled.where}\nORDER BY ${compiled.orderBy}`);
          }
          assert.deepEqual(
            actual,
            expected,
            `${table.dialect}${table.codePointStrings ? ' (code-point jsonb)' : ''} ${query.text} on ${JSON.stringify(documents)}\nWHERE ${compiled.where}\nORDER BY ${compiled.orderBy}\nexact ${compiled.exact} sortExact ${compiled.sortExact}`,
          );
          tally.queries += 1;
          if (compiled.exact) tally.exact += 1;
          if (query.sort !== undefined && onScalars(query.sort, shapes)) {
            tally.scalarSorts += 1;
            if (compiled.sortExact) tally.scalarSortExact += 1;
          }
        }
      }
    }
  }

  const queries = fc.tuple(fc.array(filter, { minLength: 1, maxLength: 6 }), fc.array(sort, { minLength: 1, maxLength: 3 }));

  test('on documents with arrays, nested arrays, digit keys and edge numbers', async () => {
    const tally: Tally = { queries: 0, exact: 0, scalarSorts: 0, scalarSortExact: 0 };
    await fc.assert(
      fc.asyncProperty(wideCollection, queries, (documents, [filters, sorts]) => check(documents, filters, sorts, tally)),
      { numRuns: DATA_SETS },
    );
    if (process.env.SHOW_TALLY) console.log(JSON.stringify(tally));
    assert.ok(tally.queries > 0);
  });

  test('on documents without arrays: the same answers, at least 85 % of filters wholly in SQL, and every sort on scalar paths', async () => {
    const tally: Tally = { queries: 0, exact: 0, scalarSorts: 0, scalarSortExact: 0 };
    await fc.assert(
      fc.asyncProperty(flatCollection, queries, (documents, [filters, sorts]) => check(documents, filters, sorts, tally)),
      { numRuns: DATA_SETS },
    );
    const exactShare = tally.exact / tally.queries;
    assert.ok(exactShare >= 0.85, `only ${(exactShare * 100).toFixed(1)} % of ${tally.queries} filters were exact`);
    assert.ok(tally.scalarSorts > tally.queries / 4, `too few sorts on scalar paths to judge (${tally.scalarSorts})`);
    assert.equal(tally.scalarSortExact, tally.scalarSorts, 'a sort on paths that only held scalars is ordered wholly in SQL');
  });
});
