import type { Filter, Sort } from '../tree.js';
import type { PathShapes } from './shapes.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * How the store's table looks to the compiler. On SQLite `doc` is TEXT holding the document's
 * JSON; on PostgreSQL it is `jsonb`. `id` is the document's `_id` (TEXT), also inside `doc`.
 * On PostgreSQL placeholders are `$n`, numbered from `firstParam` (the store binds its own
 * account and mesh parameters before them); on SQLite they are `?`, in order.
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
 * One filter and sort as SQL. `where` is a boolean expression selecting every matching document
 * and, when `exact` is false, some that do not match (a superset): the store then re-checks each
 * candidate with evaluate.ts `matches`. `orderBy` ends with the id ascending; when `sortExact`
 * is false it is only a hint and the store orders the candidates with `compareForSort`.
 * Nothing the client sent is ever SQL text: every literal is a parameter, paths included.
 */
export interface CompiledQuery {
  readonly where: string;
  readonly params: readonly unknown[];
  readonly exact: boolean;
  readonly orderBy: string;
  readonly orderParams: readonly unknown[];
  readonly sortExact: boolean;
}

/**
 * Placeholder until the compiler lands: selects everything, so the store re-checks and sorts
 * every candidate in JavaScript. Correct, slow.
 */
export function compileQuery(target: CompileTarget, query: { filter?: Filter; sort?: Sort }, _shapes: PathShapes): CompiledQuery {
  const truth = target.dialect === 'sqlite' ? '1' : 'TRUE';
  return {
    where: truth,
    params: [],
    exact: query.filter === undefined,
    orderBy: target.idColumn,
    orderParams: [],
    sortExact: query.sort === undefined || query.sort.length === 0,
  };
}
