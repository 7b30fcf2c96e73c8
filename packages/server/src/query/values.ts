import type { JsonObject, JsonValue } from './tree.js';

/**
 * MongoDB's order of values (the BSON comparison order, for the kinds JSON has). The rank is the
 * BSON "canonical type": values of different ranks never compare as equal, and sort by rank.
 * A missing value ranks below null (it only meets null through the `eq`/`gte`/`lte null` rule).
 */
export const Rank = {
  emptyArrayKey: -1,
  missing: 0,
  null: 5,
  number: 10,
  string: 15,
  object: 20,
  array: 25,
  boolean: 40,
} as const;

export function rankOf(value: JsonValue | undefined): number {
  if (value === undefined) return Rank.missing;
  if (value === null) return Rank.null;
  switch (typeof value) {
    case 'number':
      return Rank.number;
    case 'string':
      return Rank.string;
    case 'boolean':
      return Rank.boolean;
    default:
      return Array.isArray(value) ? Rank.array : Rank.object;
  }
}

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: documents are plain JSON, and a key like `toString` must not reach the prototype. */
export function field(object: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/**
 * Strings by Unicode code point (as MongoDB compares UTF-8 bytes), not by UTF-16 code unit as
 * JavaScript's `<` does: the two differ when a character above U+FFFF meets one in U+E000–U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF) encode code points above FFFF: lift them above E000–FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * The total order of MongoDB's comparisons and sorts: by rank, then within the rank. Objects
 * compare field by field (the values' ranks, then the keys, then the values), then by length;
 * arrays element by element, then by length. -0 equals 0.
 */
export function compareValues(a: JsonValue | undefined, b: JsonValue | undefined): number {
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case Rank.number:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case Rank.string:
      return compareStrings(a as string, b as string);
    case Rank.boolean:
      return a === b ? 0 : a ? 1 : -1;
    case Rank.array:
      return compareArrays(a as JsonValue[], b as JsonValue[]);
    case Rank.object:
      return compareObjects(a as JsonObject, b as JsonObject);
    default:
      return 0; // missing, null
  }
}

function compareArrays(a: JsonValue[], b: JsonValue[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareObjects(a: JsonObject, b: JsonObject): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const length = Math.min(ka.length, kb.length);
  for (let i = 0; i < length; i++) {
    const keyA = ka[i] as string;
    const keyB = kb[i] as string;
    const va = a[keyA] as JsonValue;
    const vb = b[keyB] as JsonValue;
    const ra = rankOf(va);
    const rb = rankOf(vb);
    if (ra !== rb) return ra < rb ? -1 : 1;
    const byKey = compareStrings(keyA, keyB);
    if (byKey !== 0) return byKey;
    const byValue = compareValues(va, vb);
    if (byValue !== 0) return byValue;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

/** MongoDB's equality: same rank and `compareValues` 0 (so key order counts, and 1 equals 1.0). */
export function valuesEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return compareValues(a, b) === 0;
}

/** A deep copy, so that an update never aliases the values of its tree or of another document. */
export function cloneValue<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) copy[key] = cloneValue(value[key] as JsonValue);
  return copy as T;
}

/** Whether two values are the same JSON, key order included: what "modified" means for an update. */
export function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true; // -0 and 0 too: JSON writes both as 0
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as JsonValue[];
    return a.length === other.length && a.every((item, i) => sameJson(item, other[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b as JsonObject);
  return ka.length === kb.length && ka.every((key, i) => key === kb[i] && sameJson((a as JsonObject)[key], (b as JsonObject)[key]));
}
