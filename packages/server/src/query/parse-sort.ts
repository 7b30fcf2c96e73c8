import { isRawObject, type RawValue } from './input.js';
import { QUERY_LIMITS } from './limits.js';
import { describe, parsePath } from './parse-values.js';
import { QueryError } from './query-error.js';
import type { QueryDocumentKind, Sort, SortKey } from './tree.js';

/**
 * `{ "Name": -1, "Age": 1 }` as sort keys. Directions are 1 or -1 (2.0-style spellings of them
 * too, as MongoDB takes them); `$meta` and every other value are refused. `kind` lets `$push`'s
 * `$sort` reuse this with the update's error.
 */
export function parseSortDocument(raw: RawValue, kind: QueryDocumentKind = 'orderBy'): Sort {
  if (!isRawObject(raw)) throw new QueryError(kind, `a sort must be an object, not ${describe(raw)}`);
  if (raw.entries.length > QUERY_LIMITS.maxSortKeys) throw new QueryError(kind, `more than ${QUERY_LIMITS.maxSortKeys} sort keys`);
  return raw.entries.map(([key, value]): SortKey => {
    if (value !== 1 && value !== -1) throw new QueryError(kind, `the sort direction of "${key}" must be 1 or -1`);
    return { path: parsePath(kind, key), direction: value };
  });
}
