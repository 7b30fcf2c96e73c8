import { readInput } from './input.js';
import { parseFilterDocument } from './parse-filter.js';
import { parseSortDocument } from './parse-sort.js';
import { parseUpdateDocument } from './parse-update.js';
import type { Filter, Sort, Update } from './tree.js';

/**
 * The entry points for the routes. Each takes what the request carried — text in MongoDB shell
 * syntax, a parsed JSON object, or nothing — and returns the checked tree (tree.ts), or
 * `undefined` when nothing was given (absent, null, blank, "undefined" or "null"); anything else
 * throws a QueryError naming the document. Whether "nothing" is allowed is the route's decision
 * (a search without a filter lists everything; a delete without one is "Filter was not provided.").
 */
export function parseFilter(input: unknown): Filter | undefined {
  const raw = readInput('filter', input);
  return raw === undefined ? undefined : parseFilterDocument(raw);
}

export function parseOrderBy(input: unknown): Sort | undefined {
  const raw = readInput('orderBy', input);
  return raw === undefined ? undefined : parseSortDocument(raw);
}

export function parseUpdate(input: unknown): Update | undefined {
  const raw = readInput('update', input);
  return raw === undefined ? undefined : parseUpdateDocument(raw);
}

export { QueryError, UnstorableNumber, UnstorableText } from './query-error.js';
export { QUERY_LIMITS } from './limits.js';
