import { isRawObject, isRawRegex, type RawObject, type RawValue } from './input.js';
import { parseFilterDocument, parseOperatorsAt } from './parse-filter.js';
import { parseSortDocument } from './parse-sort.js';
import { describe, integerOf, isOperatorObject, literal, parsePath } from './parse-values.js';
import { QueryError } from './query-error.js';
import { POSITIONAL_ALL, POSITIONAL_MATCHED, type Path, type PullCondition, type PushOperation, type Update, type UpdateOperation } from './tree.js';
import { compareStrings } from './values.js';

/**
 * MongoDB's update-operator grammar, for the operators of tree.ts, refusing what MongoDB refuses
 * (unknown operators and modifiers, overlapping paths, a replacement document or a pipeline, which
 * PATCH does not take) and what OpenMeshy does not support: changing `_id`, `$[name]` array
 * filters, `$setOnInsert` (there are no upserts), `$bit`, and `$currentDate` as a timestamp.
 */
const kind = 'update' as const;

function fail(detail: string): never {
  throw new QueryError(kind, detail);
}

const POSITIONAL = [POSITIONAL_MATCHED, POSITIONAL_ALL];

export function parseUpdateDocument(raw: RawValue): Update {
  if (Array.isArray(raw)) fail('an aggregation pipeline as an update');
  if (!isRawObject(raw)) fail(`an update must be an object, not ${describe(raw)}`);
  if (raw.entries.length === 0) fail('an update needs at least one operator');
  const operations: UpdateOperation[] = [];
  for (const [operator, argument] of raw.entries) {
    if (!operator.startsWith('$')) fail(`the field "${operator}" outside an operator (a replacement document)`);
    if (!isRawObject(argument)) fail(`${operator} needs an object`);
    for (const [key, value] of argument.entries) operations.push(operation(operator, key, value));
  }
  checkNoOverlap(operations);
  return { operations: operations.sort((a, b) => comparePaths(placeOf(a), placeOf(b))) };
}

function updatePath(key: string): string[] {
  const path = parsePath(kind, key, POSITIONAL);
  if (path[0] === '_id') fail(`the path "${key}" would change _id`);
  if (POSITIONAL.includes(path[0] as string)) fail(`the path "${key}" starts with a positional operator`);
  if (path.filter((component) => component === POSITIONAL_MATCHED).length > 1) fail(`the path "${key}" has more than one "$"`);
  return path;
}

function number(operator: string, value: RawValue): number {
  if (typeof value !== 'number') fail(`${operator} needs a number, not ${describe(value)}`);
  return value;
}

function operation(operator: string, key: string, value: RawValue): UpdateOperation {
  const path = updatePath(key);
  switch (operator) {
    case '$set':
      return { op: 'set', path, value: literal(kind, value) };
    case '$unset':
      return { op: 'unset', path };
    case '$inc':
    case '$mul':
      return { op: operator === '$inc' ? 'inc' : 'mul', path, by: number(operator, value) };
    case '$min':
    case '$max':
      return { op: operator === '$min' ? 'min' : 'max', path, value: literal(kind, value) };
    case '$rename':
      return rename(path, key, value);
    case '$push':
      return push(path, value);
    case '$addToSet':
      return addToSet(path, value);
    case '$pop':
      if (value !== 1 && value !== -1) fail('$pop needs 1 or -1');
      return { op: 'pop', path, end: value === 1 ? 'last' : 'first' };
    case '$pull':
      return { op: 'pull', path, condition: pullCondition(value) };
    case '$pullAll':
      if (!Array.isArray(value)) fail('$pullAll needs an array');
      return { op: 'pullAll', path, values: value.map((item) => literal(kind, item)) };
    case '$currentDate':
      if (value !== true && !(isRawObject(value) && value.entries.length === 1 && value.entries[0]?.[0] === '$type' && value.entries[0][1] === 'date')) {
        fail('$currentDate needs true or {$type: "date"} (timestamps are not supported)');
      }
      return { op: 'currentDate', path };
    default:
      return fail(`the update operator ${operator}`);
  }
}

function rename(path: Path, key: string, value: RawValue): UpdateOperation {
  if (typeof value !== 'string') fail('$rename needs a string');
  const to = updatePath(value);
  if (path.some((c) => POSITIONAL.includes(c)) || to.some((c) => POSITIONAL.includes(c))) fail('$rename cannot use positional paths');
  if (isPrefix(path, to) || isPrefix(to, path)) fail(`$rename of "${key}" to "${value}": one contains the other`);
  return { op: 'rename', path, to };
}

const PUSH_MODIFIERS = new Set(['$each', '$slice', '$sort', '$position']);

function push(path: Path, value: RawValue): PushOperation {
  if (!isRawObject(value) || !value.entries.some(([key]) => key === '$each')) return { op: 'push', path, each: [literal(kind, value)] };
  let operation: PushOperation = { op: 'push', path, each: [] };
  for (const [modifier, argument] of value.entries) {
    if (!PUSH_MODIFIERS.has(modifier)) fail(`the $push modifier ${modifier}`);
    if (modifier === '$each') {
      if (!Array.isArray(argument)) fail('$each needs an array');
      operation = { ...operation, each: argument.map((item) => literal(kind, item)) };
    } else if (modifier === '$slice' || modifier === '$position') {
      const integer = integerOf(argument);
      if (integer === null) fail(`${modifier} needs an integer`);
      operation = modifier === '$slice' ? { ...operation, slice: integer } : { ...operation, position: integer };
    } else {
      operation = { ...operation, sort: pushSort(argument) };
    }
  }
  return operation;
}

function pushSort(argument: RawValue): NonNullable<PushOperation['sort']> {
  if (argument === 1 || argument === -1) return { direction: argument };
  if (!isRawObject(argument) || argument.entries.length === 0) fail('$sort needs 1, -1 or an object of fields');
  return { keys: parseSortDocument(argument, kind) };
}

function addToSet(path: Path, value: RawValue): UpdateOperation {
  if (!isRawObject(value) || !value.entries.some(([key]) => key === '$each')) return { op: 'addToSet', path, each: [literal(kind, value)] };
  if (value.entries.length !== 1) fail('$addToSet takes only $each');
  const each = value.entries[0]?.[1];
  if (!Array.isArray(each)) fail('$each needs an array');
  return { op: 'addToSet', path, each: each.map((item) => literal(kind, item)) };
}

const LOGICAL = new Set(['$and', '$or', '$nor']);

/** MongoDB's three `$pull` cases (tree.ts PullCondition); conditions are filters, refused as the update's. */
function pullCondition(value: RawValue): PullCondition {
  try {
    if (isRawRegex(value)) return { kind: 'value', filter: parseOperatorsAt([], { kind: 'object', entries: [['$regex', value]] }) };
    if (isRawObject(value)) {
      const first = value.entries[0]?.[0];
      if (isOperatorObject(value) && !LOGICAL.has(first as string)) return { kind: 'value', filter: parseOperatorsAt([], value as RawObject) };
      return { kind: 'document', filter: parseFilterDocument(value) };
    }
    return { kind: 'equals', value: literal(kind, value) };
  } catch (error) {
    if (error instanceof QueryError) fail(`$pull: ${error.detail}`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------

/** Where an operation lands: a rename creates its field at `to`. */
function placeOf(operation: UpdateOperation): Path {
  return operation.op === 'rename' ? operation.to : operation.path;
}

function touchedPaths(operation: UpdateOperation): Path[] {
  return operation.op === 'rename' ? [operation.path, operation.to] : [operation.path];
}

/** Component-wise; a positional component may stand for any index, so it overlaps anything. */
function isPrefix(prefix: Path, path: Path): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((component, i) => component === path[i] || POSITIONAL.includes(component) || POSITIONAL.includes(path[i] as string));
}

function checkNoOverlap(operations: readonly UpdateOperation[]): void {
  const paths = operations.flatMap(touchedPaths);
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const a = paths[i] as Path;
      const b = paths[j] as Path;
      if (isPrefix(a, b) || isPrefix(b, a)) fail(`the paths "${a.join('.')}" and "${b.join('.')}" overlap`);
    }
  }
}

/** Component by component; digit-only components by their number, as MongoDB orders array indexes. */
export function comparePaths(a: Path, b: Path): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return BigInt(x) < BigInt(y) ? -1 : 1;
    return compareStrings(x, y);
  }
  return a.length - b.length;
}

