import { visitPath, sortCandidates } from './paths.js';
import { regexMatches } from './regex.js';
import type { Filter, JsonObject, JsonTypeName, JsonValue, Sort, SortKey, Test } from './tree.js';
import { compareValues, isObject, Rank, rankOf, valuesEqual } from './values.js';

/**
 * MongoDB's semantics for the tree, in JavaScript: the oracle the SQL compiler is tested against
 * and the re-check of candidates where its SQL selects a superset. Pure and synchronous; regular
 * expressions run on RE2 (regex.ts), so every test is linear in the document's size.
 */

/** Whether `document` matches `filter`; no filter matches everything. */
export function matches(filter: Filter | undefined, document: JsonObject): boolean {
  return filter === undefined || evaluate(filter, document, undefined);
}

/**
 * The index the positional `$` update operator refers to: the array offset recorded by the last
 * field test, in a chain of `and`s from the root, that matched through an array (as MongoDB's
 * MatchDetails "elemMatchKey"; `or`, `nor` and `not` record nothing). Undefined when the document
 * does not match or no such offset exists.
 */
export function matchedArrayIndex(filter: Filter | undefined, document: JsonObject): number | undefined {
  if (filter === undefined) return undefined;
  const details: Details = { offset: undefined };
  return evaluate(filter, document, details) ? details.offset : undefined;
}

interface Details {
  offset: number | undefined;
}

function evaluate(filter: Filter, document: JsonObject, details: Details | undefined): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.filters.every((child) => evaluate(child, document, details));
    case 'or':
      return filter.filters.some((child) => evaluate(child, document, undefined));
    case 'nor':
      return !filter.filters.some((child) => evaluate(child, document, undefined));
    case 'not':
      return !evaluate(filter.filter, document, undefined);
    case 'field': {
      const leaf = filter.test.op === 'size' || filter.test.op === 'elemMatch' ? 'array' : 'traverse';
      return visitPath(document, filter.path, leaf, (value, offset) => {
        const inner = testValue(filter.test, value);
        if (inner === false) return false;
        if (details !== undefined) {
          const recorded = offset ?? (typeof inner === 'number' ? inner : undefined);
          if (recorded !== undefined) details.offset = recorded;
        }
        return true;
      });
    }
  }
}

/**
 * A filter whose field filters have `path: []`, on one value: without traversal for
 * `$elemMatch`'s value form, with leaf-array traversal for `$pull` (tree.ts).
 */
export function matchesValue(filter: Filter, value: JsonValue, traverse: boolean): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.filters.every((child) => matchesValue(child, value, traverse));
    case 'or':
      return filter.filters.some((child) => matchesValue(child, value, traverse));
    case 'nor':
      return !filter.filters.some((child) => matchesValue(child, value, traverse));
    case 'not':
      return !matchesValue(filter.filter, value, traverse);
    case 'field': {
      const test = filter.test;
      if (traverse && Array.isArray(value) && test.op !== 'size' && test.op !== 'elemMatch') {
        return value.some((element) => testValue(test, element) !== false) || testValue(test, value) !== false;
      }
      return testValue(test, value) !== false;
    }
  }
}

/** One value against one test: false, true, or (for `elemMatch`) the index of the element that matched. */
function testValue(test: Test, value: JsonValue | undefined): boolean | number {
  switch (test.op) {
    case 'eq':
      return test.value === null ? value === undefined || value === null : valuesEqual(value, test.value);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compare(test.op, value, test.value);
    case 'in':
      if (value === undefined) return test.values.includes(null);
      return (
        test.values.some((candidate) => valuesEqual(value, candidate)) ||
        (typeof value === 'string' && test.regexes.some((regex) => regexMatches(regex, value)))
      );
    case 'regex':
      return typeof value === 'string' && regexMatches(test.regex, value);
    case 'exists':
      return value !== undefined;
    case 'type':
      return value !== undefined && test.types.some((type) => hasType(type, value));
    case 'mod':
      return modMatches(value, BigInt(test.divisor), BigInt(test.remainder));
    case 'size':
      return Array.isArray(value) && value.length === test.size;
    case 'elemMatch':
      return elemMatch(test, value);
  }
}

/** Type bracketing: only values of one rank compare; missing and null meet only in `gte`/`lte`. */
function compare(op: 'gt' | 'gte' | 'lt' | 'lte', value: JsonValue | undefined, operand: JsonValue): boolean {
  const rank = rankOf(value);
  const operandRank = rankOf(operand);
  if (rank !== operandRank) return rank + operandRank === Rank.missing + Rank.null && (op === 'gte' || op === 'lte');
  const c = compareValues(value, operand);
  return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
}

const INT32 = 2 ** 31;
const INT64 = 2 ** 63;

function hasType(type: JsonTypeName, value: JsonValue): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'bool':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'number':
      return typeof value === 'number';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= -INT32 && value < INT32;
    case 'long':
      return typeof value === 'number' && Number.isInteger(value) && (value < -INT32 || value >= INT32) && value >= -INT64 && value < INT64;
    case 'double':
      return typeof value === 'number' && !(Number.isInteger(value) && value >= -INT64 && value < INT64);
  }
}

function modMatches(value: JsonValue | undefined, divisor: bigint, remainder: bigint): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const truncated = Math.trunc(value);
  if (truncated < -INT64 || truncated >= INT64) return false;
  return BigInt(truncated) % divisor === remainder; // bigint % keeps the dividend's sign, as C++ does
}

function elemMatch(test: Extract<Test, { op: 'elemMatch' }>, value: JsonValue | undefined): boolean | number {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const element = value[i] as JsonValue;
    if (test.form === 'value') {
      if (matchesValue(test.element, element, false)) return i;
    } else if (isObject(element)) {
      if (evaluate(test.element, element, undefined)) return i;
    } else if (Array.isArray(element)) {
      if (evaluate(test.element, arrayAsDocument(element), undefined)) return i;
    }
  }
  return false;
}

/** MongoDB stores an array as a document keyed "0", "1", ...: `$elemMatch` sees nested arrays that way. */
function arrayAsDocument(array: JsonValue[]): JsonObject {
  const document: JsonObject = {};
  array.forEach((element, i) => {
    document[String(i)] = element;
  });
  return document;
}

// ---------------------------------------------------------------------------------------------
// Sorting

/** A document's key for one sort key: the least (ascending) or greatest (descending) candidate. */
export function sortKeyOf(document: JsonObject, key: SortKey): JsonValue | undefined {
  const candidates = sortCandidates(document, key.path);
  let best = candidates[0];
  for (let i = 1; i < candidates.length; i++) {
    const c = compareValues(candidates[i], best);
    if (key.direction === 1 ? c < 0 : c > 0) best = candidates[i];
  }
  return best;
}

/** The order of a search's results: the sort keys, then `_id` ascending so that pages are stable. */
export function compareForSort(sort: Sort | undefined, a: JsonObject, b: JsonObject): number {
  for (const key of sort ?? []) {
    const c = compareValues(sortKeyOf(a, key), sortKeyOf(b, key)) * key.direction;
    if (c !== 0) return c;
  }
  return compareValues(a['_id'], b['_id']);
}

/** The documents in search order, each key computed once. */
export function sortDocuments<T extends JsonObject>(documents: readonly T[], sort: Sort | undefined): T[] {
  const keys = sort ?? [];
  const decorated = documents.map((document) => ({ document, keys: keys.map((key) => sortKeyOf(document, key)) }));
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]) * (keys[i] as SortKey).direction;
      if (c !== 0) return c;
    }
    return compareValues(a.document['_id'], b.document['_id']);
  });
  return decorated.map((entry) => entry.document);
}

export { applyUpdate, type UpdateOutcome } from './apply-update.js';
export { compareValues, valuesEqual } from './values.js';
