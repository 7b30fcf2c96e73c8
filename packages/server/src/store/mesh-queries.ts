import { createHash } from 'node:crypto';
import { matches, sortDocuments } from '../query/evaluate.js';
import { isIndexablePath, type CompiledQuery } from '../query/sql/compile.js';
import type { JsonObject, Sort } from '../query/tree.js';
import type { MeshIndex, StoredDocument } from '../modules/meshes/store.js';

/**
 * What the SQLite and PostgreSQL mesh stores share: index names and paths that are safe in DDL,
 * and the JavaScript end of a query the SQL answered only in part (re-check, sort, page).
 */

/**
 * The database's name of an index: derived from the account and the index's name, never the
 * request's text, so DDL holds only hex digits from us. Distinct accounts may reuse a name.
 */
export function sqlIndexName(accountId: string, name: string): string {
  return `mesh_ix_${createHash('sha256').update(`${accountId}\u0000${name}`).digest('hex').slice(0, 32)}`;
}

/** The prefix every mesh index's database name starts with: a query plan naming one was narrowed by it. */
export const SQL_INDEX_PREFIX = 'mesh_ix_';

/** Account ids and mesh names that may appear as literals in SQL (partial indexes, and SQLite's queries that match them): ours are hex and letters. */
const DDL_SAFE_NAME = /^[A-Za-z0-9_-]{1,100}$/;

/** A checked name as an SQL string literal; anything else is refused, never escaped. */
export function ddlLiteral(name: string): string {
  if (!DDL_SAFE_NAME.test(name)) throw new RangeError(`not a name an index can be built for: ${JSON.stringify(name)}`);
  return `'${name}'`;
}

export function validateIndex(index: MeshIndex): void {
  if (index.containment) {
    if (index.paths.length > 0 || index.unique) throw new RangeError('a containment index has no paths and is not unique');
    return;
  }
  if (index.paths.length === 0 || index.paths.length > 8) throw new RangeError('an index has 1 to 8 paths');
  for (const path of index.paths) if (!isIndexablePath(path)) throw new RangeError(`not an indexable path: ${JSON.stringify(path)}`);
}

/** A document being written, parsed: the caller's parsed form when it brought one (documents.ts), else its text parsed. */
export function parsedDocument(document: StoredDocument): JsonObject {
  return document.document ?? (JSON.parse(document.json) as JsonObject);
}

/** A stored document row as the SQL returned it. */
export interface CandidateRow {
  readonly id: string;
  readonly json: string;
}

/**
 * The page of a query whose SQL selected a superset or ordered only roughly: each candidate is
 * re-checked with the evaluator (when not exact), sorted with compareForSort (when the SQL order
 * is a hint), then paged.
 */
export function pageCandidates(
  rows: readonly CandidateRow[],
  compiled: Pick<CompiledQuery, 'exact' | 'sortExact'>,
  query: { filter?: Parameters<typeof matches>[0]; sort?: Sort; offset: number; limit: number },
): { results: StoredDocument[]; totalRecords: number } {
  let kept: { row: CandidateRow; document: JsonObject | undefined }[] = rows.map((row) => ({ row, document: undefined }));
  if (!compiled.exact) {
    kept = kept
      .map((entry) => ({ row: entry.row, document: JSON.parse(entry.row.json) as JsonObject }))
      .filter((entry) => matches(query.filter, entry.document!));
  }
  if (!compiled.sortExact) {
    const rowOf = new Map<JsonObject, CandidateRow>();
    for (const entry of kept) rowOf.set(entry.document ?? (JSON.parse(entry.row.json) as JsonObject), entry.row);
    kept = sortDocuments([...rowOf.keys()], query.sort).map((document) => ({ row: rowOf.get(document)!, document }));
  }
  const page = kept.slice(query.offset, query.offset + query.limit).map((entry) => ({ id: entry.row.id, json: entry.row.json }));
  return { results: page, totalRecords: kept.length };
}

