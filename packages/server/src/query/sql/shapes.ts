import type { JsonObject } from '../tree.js';

/**
 * What a mesh's documents have held at each path: the catalog that tells the SQL compiler where
 * a plain SQL expression is exact (a path that never held an array, a field that only ever held
 * numbers) and where it must select a superset for the evaluator to re-check.
 *
 * A path key is the object keys from the document's root joined with '.', arrays adding no
 * component: in `{a: [{b: 1}], c: "x"}` the keys are `a` (array), `a.b` (number, under an array)
 * and `c` (string). Keys are unambiguous because a stored property never contains '.' or starts
 * with '$'. The catalog only grows: a bit once set stays set ("has held"), so a cached copy that
 * lacks a bit is stale, never wrong in the other direction.
 */
export const SHAPE = {
  null: 1 << 0,
  bool: 1 << 1,
  number: 1 << 2,
  string: 1 << 3,
  object: 1 << 4,
  array: 1 << 5,
  /** The value was reached through an array on the way (some proper prefix held an array). */
  underArray: 1 << 6,
  /** An element of an array at this path was itself an array. */
  nestedArray: 1 << 7,
} as const;

/** Path key → OR of SHAPE bits. */
export type PathShapes = ReadonlyMap<string, number>;

/**
 * The shapes one document contributes, OR-ed into `into` when given: the shapes of a batch of
 * documents gather in one map, without a map per document (a createMany of 50 made 50).
 */
export function shapesOf(document: JsonObject, into: Map<string, number> = new Map()): Map<string, number> {
  walk(document, '', 0, into);
  return into;
}

function walk(object: JsonObject, prefix: string, inherited: number, shapes: Map<string, number>): void {
  for (const key of Object.keys(object)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    record(object[key]!, path, inherited, shapes);
  }
}

function record(value: JsonObject[string], path: string, inherited: number, shapes: Map<string, number>): void {
  let bits = inherited;
  if (value === null) bits |= SHAPE.null;
  else if (typeof value === 'boolean') bits |= SHAPE.bool;
  else if (typeof value === 'number') bits |= SHAPE.number;
  else if (typeof value === 'string') bits |= SHAPE.string;
  else if (Array.isArray(value)) {
    bits |= SHAPE.array;
    for (const element of value) {
      if (Array.isArray(element)) bits |= SHAPE.nestedArray;
      else if (element !== null && typeof element === 'object') walk(element, path, inherited | SHAPE.underArray, shapes);
    }
  } else {
    bits |= SHAPE.object;
    walk(value, path, inherited, shapes);
  }
  shapes.set(path, (shapes.get(path) ?? 0) | bits);
}

/** `shapes` with `more` added; the same map when nothing is new (so callers can tell). */
export function mergeShapes(shapes: PathShapes, more: ReadonlyMap<string, number>): { merged: PathShapes; added: Map<string, number> } {
  const added = new Map<string, number>();
  for (const [path, bits] of more) {
    const known = shapes.get(path) ?? 0;
    if ((known | bits) !== known) added.set(path, known | bits);
  }
  if (added.size === 0) return { merged: shapes, added };
  const merged = new Map(shapes);
  for (const [path, bits] of added) merged.set(path, bits);
  return { merged, added };
}
