import type { JsonObject, JsonValue, Path } from './tree.js';
import { field, isObject } from './values.js';

/**
 * How the end of a path treats an array: 'traverse' yields each element and then the array
 * itself (most tests); 'array' yields only the array (`$size`, `$elemMatch`).
 */
export type LeafArrays = 'traverse' | 'array';

/**
 * Receives one value found at a path (`undefined` is *missing*) and the index of the outermost
 * array it was found in by implicit traversal, if any (what the positional `$` update refers to).
 * Returns true to stop.
 */
export type Visit = (value: JsonValue | undefined, offset: number | undefined) => boolean;

const DIGITS = /^\d+$/;

/**
 * The values at `path` in `document`, exactly as MongoDB's matcher enumerates them
 * (src/mongo/db/matcher/path.cpp, BSONElementIterator): objects are entered by key until an
 * array or the end; an array with path left is entered element by element — object elements by
 * key, and the element whose index the next component spells (that component as an index);
 * nested arrays are entered only by index. Returns true when `visit` stopped the walk.
 */
export function visitPath(document: JsonObject, path: Path, leaf: LeafArrays, visit: Visit): boolean {
  return walkObject(document, path, 0, leaf, visit);
}

function walkObject(object: JsonObject, path: Path, start: number, leaf: LeafArrays, visit: Visit): boolean {
  let current: JsonObject = object;
  for (let i = start; i < path.length; i++) {
    const value = field(current, path[i] as string);
    if (value === undefined) return visit(undefined, undefined);
    if (Array.isArray(value)) return walkArray(value, path, i + 1, leaf, visit);
    if (i === path.length - 1) return visit(value, undefined);
    if (!isObject(value)) return visit(undefined, undefined);
    current = value;
  }
  return visit(object, undefined); // an empty path: the object itself
}

function walkArray(array: JsonValue[], path: Path, rest: number, leaf: LeafArrays, visit: Visit): boolean {
  const atEnd = rest === path.length;
  if (atEnd && leaf === 'array') return visit(array, undefined);
  const next = path[rest];
  const nextIsIndex = next !== undefined && DIGITS.test(next);
  for (let i = 0; i < array.length; i++) {
    const element = array[i] as JsonValue;
    if (atEnd) {
      if (visit(element, i)) return true;
      continue;
    }
    const isOffset = nextIsIndex && next === String(i);
    if (isObject(element)) {
      // The outermost array's index wins over any found deeper.
      if (walkObject(element, path, rest, leaf, (value) => visit(value, i))) return true;
      if (isOffset) {
        if (rest + 1 === path.length ? visit(element, undefined) : walkObject(element, path, rest + 1, leaf, visit)) return true;
      }
    } else if (isOffset) {
      if (rest + 1 === path.length) {
        if (visit(element, undefined)) return true;
      } else if (Array.isArray(element) && walkArray(element, path, rest + 1, leaf, visit)) {
        return true;
      }
    }
  }
  return atEnd && leaf === 'traverse' ? visit(array, undefined) : false;
}

/**
 * The candidates of a document's sort key at `path` (tree.ts Sort): arrays on the way contribute
 * every object element (a scalar element, or an empty array, contributes null); an array at the
 * end contributes its elements, and `undefined` when empty, which sorts below null; a missing
 * value is null. A digit component indexes an array.
 */
export function sortCandidates(document: JsonObject, path: Path): (JsonValue | undefined)[] {
  const out: (JsonValue | undefined)[] = [];
  collect(document, path, 0, out);
  return out;
}

function collect(value: JsonValue, path: Path, i: number, out: (JsonValue | undefined)[]): void {
  if (i === path.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(undefined);
      else out.push(...value);
    } else {
      out.push(value);
    }
    return;
  }
  const component = path[i] as string;
  if (Array.isArray(value)) {
    if (DIGITS.test(component)) {
      const element = value[Number(component)];
      if (element === undefined || String(Number(component)) !== component) out.push(null);
      else collect(element, path, i + 1, out);
      return;
    }
    if (value.length === 0) out.push(null);
    for (const element of value) {
      if (isObject(element)) collect(element, path, i, out);
      else out.push(null);
    }
    return;
  }
  if (!isObject(value)) {
    out.push(null);
    return;
  }
  const child = field(value, component);
  if (child === undefined) out.push(null);
  else collect(child, path, i + 1, out);
}
