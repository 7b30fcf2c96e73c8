import type { Dialect } from './compile.js';

/**
 * The expressions that index a dotted path, shared by `CREATE INDEX` (the store) and the compiled
 * queries, which must spell them the same way for SQLite and PostgreSQL to match the index.
 */

const INDEXABLE_PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

/**
 * Whether `path` may name an index. Only these characters, because the path is written into the
 * index's SQL text as a literal (index definitions come from the operator, not from a request,
 * and this check is what makes that literal safe).
 */
export function isIndexablePath(path: string): boolean {
  return path.length <= 1024 && INDEXABLE_PATH.test(path);
}

/**
 * The SQL expression an index on `path` is built on.
 * - SQLite: `json_extract(doc, '$.a.b')`. Missing and null are both SQL NULL (equal, and lowest
 *   in an ORDER BY, as MongoDB sorts them); numbers, strings and booleans (as 0/1) are SQL values.
 * - PostgreSQL: `COALESCE(doc #> '{a,b}', 'null'::jsonb)`, a jsonb that is never SQL NULL, so a
 *   missing field equals and sorts as null (the lowest jsonb) and a default-ordered index serves
 *   both directions without a NULLS clause.
 */
export function indexKeyExpression(dialect: Dialect, docColumn: string, path: string): string {
  if (!isIndexablePath(path)) throw new Error(`not an indexable path: ${path}`);
  const components = path.split('.');
  if (dialect === 'sqlite') return `json_extract(${docColumn}, '${sqliteJsonPath(components)}')`;
  return `COALESCE(${postgresRawExpression(docColumn, path)}, 'null'::jsonb)`;
}

/** PostgreSQL: the value itself, SQL NULL when missing (for `$exists`, which must tell them apart). */
export function postgresRawExpression(docColumn: string, path: string): string {
  return `(${docColumn} #> '{${path.split('.').join(',')}}')`;
}

const PLAIN_LABEL = /^[A-Za-z0-9_]+$/;
const QUOTABLE_LABEL = /^[^"\\\u0000-\u001f\u007f]+$/;

/**
 * An SQLite JSON path for object keys, or undefined when a key cannot be written as a label that
 * SQLite compares with the stored key (quotes, backslashes and control characters are stored
 * escaped): the compiler then leaves that test to the evaluator.
 */
export function sqliteJsonPath(components: readonly string[]): string | undefined {
  let out = '$';
  for (const component of components) {
    if (PLAIN_LABEL.test(component)) out += `.${component}`;
    else if (QUOTABLE_LABEL.test(component)) out += `."${component}"`;
    else return undefined;
  }
  return out;
}
