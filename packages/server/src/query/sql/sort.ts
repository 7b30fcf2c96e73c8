import type { Sort } from '../tree.js';
import { bindable } from './bindable.js';
import { raw, type Sql } from './fragment.js';
import { isIndexablePath } from './index-paths.js';
import { type PathShapes, SHAPE } from './shapes.js';
import type { ValueDialect } from './value-dialect.js';

/**
 * A sort (tree.ts Sort) as ORDER BY terms, ending with the id ascending, or `exact: false` when a
 * key's path has held an array (a key is then the least or greatest element, an empty array below
 * null) or an object (compared field by field): the store then orders the candidates with
 * compareForSort, and the terms returned are only the id.
 */
export function compileSort<Ref>(
  dialect: ValueDialect<Ref>,
  sort: Sort | undefined,
  shapes: PathShapes,
  indexedPaths: ReadonlySet<string>,
  idColumn: string,
): { terms: Sql[]; exact: boolean } {
  const id = raw(idColumn);
  const terms: Sql[] = [];
  for (const key of sort ?? []) {
    const dotted = key.path.join('.');
    if (dotted === '_id') {
      // The id is unique: nothing after it can matter.
      terms.push(raw(`${idColumn}${key.direction === 1 ? ' ASC' : ' DESC'}`));
      return { terms, exact: true };
    }
    const inexact = { terms: [id], exact: false };
    if (!key.path.every(bindable)) return inexact;
    for (let i = 1; i < key.path.length; i++) {
      if (((shapes.get(key.path.slice(0, i).join('.')) ?? 0) & SHAPE.array) !== 0) return inexact;
    }
    const indexed = indexedPaths.has(dotted) && isIndexablePath(dotted) ? dotted : undefined;
    const ref = dialect.at(dialect.document, key.path, true, indexed);
    if (ref === undefined) return inexact;
    const keyTerms = dialect.sortTerms(ref, shapes.get(dotted) ?? 0, key.direction);
    if (keyTerms === undefined) return inexact;
    terms.push(...keyTerms);
  }
  terms.push(id);
  return { terms, exact: true };
}
