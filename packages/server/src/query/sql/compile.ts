import type { Filter, Sort } from '../tree.js';
import { joinList, render, type Sql } from './fragment.js';
import { FilterCompiler } from './filter.js';
import { postgresValues } from './postgres-values.js';
import type { PathShapes } from './shapes.js';
import { compileSort } from './sort.js';
import { sqliteValues } from './sqlite-values.js';
import type { ValueDialect } from './value-dialect.js';

export { indexKeyExpression, isIndexablePath } from './index-paths.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * How the store's table looks to the compiler. On SQLite `doc` is TEXT holding the document's
 * JSON as `JSON.stringify` writes it; on PostgreSQL it is `jsonb`. `id` is the document's `_id`
 * (TEXT), also inside `doc`. On PostgreSQL placeholders are `$n`, numbered from `firstParam`
 * (the store binds its own account and mesh parameters before them); on SQLite they are `?`, in
 * order. Either way `orderBy`'s placeholders come after `where`'s: bind `params` then
 * `orderParams`.
 */
export interface CompileTarget {
  readonly dialect: Dialect;
  readonly docColumn: string;
  readonly idColumn: string;
  /** PostgreSQL only: the number of the first placeholder this compile may use. */
  readonly firstParam?: number;
  /**
   * PostgreSQL only: whether jsonb string comparison follows code points (the database's
   * default collation is C or C.UTF-8), so `doc #> '{a}'` orders strings as MongoDB does.
   */
  readonly codePointStrings?: boolean;
}

/**
 * What the compiler may rely on besides the query: the mesh's path-shape catalog, read in the same
 * snapshot as the query runs in (shapes.ts), and the paths that have an index (built on
 * `indexKeyExpression`), whose expressions the compiled SQL then spells out so the index serves.
 */
export interface CompileContext {
  readonly shapes: PathShapes;
  readonly indexedPaths: ReadonlySet<string>;
}

/**
 * One filter and sort as SQL. `where` is a boolean expression selecting every matching document
 * and, when `exact` is false, some that do not match (a superset): the store then re-checks each
 * candidate with evaluate.ts `matches`. `orderBy` ends with the id ascending; when `sortExact`
 * is false it is only a hint and the store orders the candidates with `compareForSort`.
 * Nothing the client sent is ever SQL text: every literal is a parameter, paths included
 * (an indexed path is written out, from its validated index definition).
 */
export interface CompiledQuery {
  readonly where: string;
  readonly params: readonly unknown[];
  readonly exact: boolean;
  readonly orderBy: string;
  readonly orderParams: readonly unknown[];
  readonly sortExact: boolean;
}

const NO_INDEXES: ReadonlySet<string> = new Set();

/**
 * Compiles for one dialect. `context` may also be the bare catalog (the placeholder's signature),
 * meaning no indexes.
 */
export function compileQuery(target: CompileTarget, query: { filter?: Filter; sort?: Sort }, context: CompileContext | PathShapes): CompiledQuery {
  const { shapes, indexedPaths } = context instanceof Map ? { shapes: context as PathShapes, indexedPaths: NO_INDEXES } : (context as CompileContext);
  if (target.dialect === 'sqlite') return compileWith(sqliteValues(target.docColumn), target, query, shapes, indexedPaths);
  return compileWith(postgresValues(target.docColumn, target.codePointStrings === true), target, query, shapes, indexedPaths);
}

function compileWith<Ref>(
  dialect: ValueDialect<Ref>,
  target: CompileTarget,
  query: { filter?: Filter; sort?: Sort },
  shapes: PathShapes,
  indexedPaths: ReadonlySet<string>,
): CompiledQuery {
  const compiler = new FilterCompiler(dialect, shapes, indexedPaths, target.idColumn);
  const pair = query.filter === undefined ? undefined : compiler.compile(query.filter, compiler.documentScope());
  const firstParam = target.firstParam ?? 1;
  const where = pair === undefined ? { text: 'TRUE', params: [] } : render(pair.sup, target.dialect, firstParam);
  const sort = compileSort(dialect, query.sort, shapes, indexedPaths, target.idColumn);
  const orderBy = render(joinList(sort.terms, ', ') as Sql, target.dialect, firstParam + where.params.length);
  return {
    where: where.text,
    params: where.params,
    exact: pair === undefined || pair.exact,
    orderBy: orderBy.text,
    orderParams: orderBy.params,
    sortExact: sort.exact,
  };
}
