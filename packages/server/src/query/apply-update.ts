import { matchedArrayIndex, matchesValue, matches } from './evaluate.js';
import { QUERY_LIMITS } from './limits.js';
import { QueryError, UnstorableNumber, UnstorableText } from './query-error.js';
import { holdsUnstorableText, isStorableText } from './storable-text.js';
import { POSITIONAL_ALL, POSITIONAL_MATCHED, type Filter, type JsonObject, type JsonValue, type Path, type PushOperation, type Sort, type Update, type UpdateOperation } from './tree.js';
import { cloneValue, compareValues, field, isObject, sameJson, valuesEqual } from './values.js';

/**
 * MongoDB's update operators on one document, as `updateMany` applies them (MongoDB 5+ order and
 * errors). The input is not changed; the result says whether anything changed, by MongoDB's
 * measure (the stored JSON differs). A failure (`$inc` of a string, a field through a scalar, the
 * positional `$` without a matched array) throws a QueryError for 'update'.
 *
 * Not as in MongoDB: arithmetic is in doubles (no int32/int64 overflow rules, as JSON has no
 * integer types), and a result past the finite doubles, which MongoDB would store as a BSON
 * Infinity, throws UnstorableNumber (JSON cannot hold it); a result with U+0000 (which MongoDB
 * would store) or an unpaired surrogate throws UnstorableText (our stores cannot hold it); an
 * index past an array's end pads it with at most `maxArrayPadding` nulls (MongoDB: 1,500,000);
 * `$push`'s `$sort` is stable; `$currentDate` writes an ISO-8601 string.
 */
export interface UpdateOutcome {
  readonly document: JsonObject;
  readonly modified: boolean;
}

export interface UpdateContext {
  /** The filter that selected the document: the positional `$` refers to its match. */
  readonly filter?: Filter;
  /** The time `$currentDate` writes; injected so that tests need no clock. */
  readonly now?: Date;
}

export function applyUpdate(document: JsonObject, update: Update, context: UpdateContext = {}): UpdateOutcome {
  const result = cloneValue(document);
  const position = update.operations.some((operation) => operation.path.includes(POSITIONAL_MATCHED))
    ? matchedArrayIndex(context.filter, document)
    : undefined;
  const now = context.now ?? new Date();
  for (const operation of update.operations) {
    if (operation.op === 'rename') rename(result, operation.path, operation.to);
    else applyAt(result, resolvePositional(operation.path, position), 0, operation, now);
  }
  const modified = !sameJson(document, result);
  // Only an update that carries such text can bring it, so only then is the result walked. (A
  // document stored before the rule, on SQLite, stays updatable by the others.)
  if (modified && writesUnstorableText(update) && holdsUnstorableText(result)) {
    throw new UnstorableText('the updated document would hold U+0000 or an unpaired surrogate, which no store can hold');
  }
  return { document: result, modified };
}

const writesUnstorableTextOf = new WeakMap<Update, boolean>();

/**
 * Whether the update's own text could end up in a document: a value it sets or adds, or a name it
 * creates (the path of an operation that creates, a `$rename` target). A `$pull` condition or an
 * `$unset` path is never written. Asked once per update, however many documents it changes.
 */
function writesUnstorableText(update: Update): boolean {
  let writes = writesUnstorableTextOf.get(update);
  if (writes === undefined) {
    writes = update.operations.some((operation) => {
      if (operation.op === 'rename') return !operation.to.every(isStorableText);
      if (creates(operation) && !operation.path.every(isStorableText)) return true;
      switch (operation.op) {
        case 'set':
        case 'min':
        case 'max':
          return holdsUnstorableText(operation.value);
        case 'push':
        case 'addToSet':
          return operation.each.some(holdsUnstorableText);
        default:
          return false;
      }
    });
    writesUnstorableTextOf.set(update, writes);
  }
  return writes;
}

function fail(detail: string): never {
  throw new QueryError('update', detail);
}

function resolvePositional(path: Path, position: number | undefined): Path {
  if (!path.includes(POSITIONAL_MATCHED)) return path;
  if (position === undefined) fail('The positional operator did not find the match needed from the query.');
  return path.map((component) => (component === POSITIONAL_MATCHED ? String(position) : component));
}

/** Operations that create what is missing on their way; the others do nothing where the path leads nowhere. */
function creates(operation: UpdateOperation): boolean {
  return operation.op !== 'unset' && operation.op !== 'pop' && operation.op !== 'pull' && operation.op !== 'pullAll';
}

type Container = JsonObject | JsonValue[];

const DIGITS = /^\d+$/;

function applyAt(container: Container, path: Path, i: number, operation: UpdateOperation, now: Date): void {
  const component = path[i] as string;
  const last = i === path.length - 1;
  if (component === POSITIONAL_ALL) {
    // `$[]`: every element of this container.
    if (!Array.isArray(container)) fail(`Cannot apply array updates to non-array element at '${path.slice(0, i).join('.')}'`);
    const array = container;
    for (let index = 0; index < array.length; index++) {
      if (last) {
        applyLeaf(array, String(index), operation, now);
      } else {
        const next = nextContainer(array, String(index), path, i + 1, operation);
        if (next !== undefined) applyAt(next, path, i + 1, operation, now);
      }
    }
    return;
  }
  if (last) {
    applyLeaf(container, component, operation, now);
    return;
  }
  if (path[i + 1] === POSITIONAL_ALL) {
    const array = childOf(container, component);
    const where = path.slice(0, i + 1).join('.');
    if (array === undefined) fail(`The path '${where}' must exist in the document in order to apply array updates.`);
    if (!Array.isArray(array)) fail(`Cannot apply array updates to non-array element ${where}`);
    applyAt(array, path, i + 1, operation, now);
    return;
  }
  const next = nextContainer(container, component, path, i + 1, operation);
  if (next !== undefined) applyAt(next, path, i + 1, operation, now);
}

/**
 * The container at `component`, created when the operation creates and it is missing; undefined
 * when the path leads nowhere for an operation that does not create. The component after it is
 * `path[nextIndex]`, which decides nothing here but the error's wording.
 */
function nextContainer(container: Container, component: string, path: Path, nextIndex: number, operation: UpdateOperation): Container | undefined {
  if (Array.isArray(container) && !DIGITS.test(component)) {
    if (!creates(operation)) return undefined;
    fail(`Cannot create field '${component}' in element {${path.slice(0, nextIndex - 1).join('.')}: [...]}`);
  }
  const child = childOf(container, component);
  if (isObject(child) || Array.isArray(child)) return child;
  if (child === undefined) {
    if (!creates(operation)) return undefined;
    const created: JsonObject = {};
    setChild(container, component, created);
    return created;
  }
  if (!creates(operation)) return undefined;
  return fail(`Cannot create field '${path[nextIndex]}' in element {${component}: ${JSON.stringify(child)}}`);
}

function childOf(container: Container, component: string): JsonValue | undefined {
  if (Array.isArray(container)) return DIGITS.test(component) ? container[Number(component)] : undefined;
  return field(container, component);
}

/** Sets in place (an existing key keeps its position; an index past the end pads with null). */
function setChild(container: Container, component: string, value: JsonValue): void {
  if (Array.isArray(container)) {
    if (!DIGITS.test(component)) fail(`Cannot create field '${component}' in an array`);
    const index = Number(component);
    if (index - container.length > QUERY_LIMITS.maxArrayPadding) {
      fail(`can't backfill more than ${QUERY_LIMITS.maxArrayPadding} elements: index ${component} of an array of ${container.length}`);
    }
    while (container.length < index) container.push(null);
    container[index] = value;
    return;
  }
  container[component] = value;
}

function applyLeaf(container: Container, key: string, operation: UpdateOperation, now: Date): void {
  if (Array.isArray(container) && !DIGITS.test(key)) {
    if (!creates(operation)) return;
    fail(`Cannot create field '${key}' in an array`);
  }
  const current = childOf(container, key);
  switch (operation.op) {
    case 'set':
      return setChild(container, key, cloneValue(operation.value));
    case 'unset':
      if (current === undefined) return;
      if (Array.isArray(container)) container[Number(key)] = null;
      else delete container[key];
      return;
    case 'inc':
    case 'mul': {
      if (current !== undefined && typeof current !== 'number') {
        fail(`Cannot apply ${operation.op === 'inc' ? '$inc' : '$mul'} to a value of non-numeric type: the field '${key}' is ${typeName(current)}`);
      }
      const result = operation.op === 'inc' ? (current ?? 0) + operation.by : current === undefined ? 0 : current * operation.by;
      // Both operands are finite (stored JSON and a parsed update hold no other numbers), so only
      // an overflow to ±Infinity can happen here; the check covers NaN all the same.
      if (!Number.isFinite(result)) {
        const sign = operation.op === 'inc' ? '+' : '×';
        throw new UnstorableNumber(`${operation.op === 'inc' ? '$inc' : '$mul'} of the field '${key}' gives ${current ?? 0} ${sign} ${operation.by} = ${result}, which JSON cannot hold`);
      }
      return setChild(container, key, Object.is(result, -0) ? 0 : result);
    }
    case 'min':
    case 'max': {
      const c = current === undefined ? 0 : compareValues(operation.value, current);
      if (current === undefined || (operation.op === 'min' ? c < 0 : c > 0)) setChild(container, key, cloneValue(operation.value));
      return;
    }
    case 'currentDate':
      return setChild(container, key, now.toISOString());
    case 'push':
      return setChild(container, key, push(arrayAt(current, key, '$push', true) ?? [], operation));
    case 'addToSet': {
      const array = arrayAt(current, key, '$addToSet', true) ?? [];
      for (const value of operation.each) if (!array.some((item) => valuesEqual(item, value))) array.push(cloneValue(value));
      return setChild(container, key, array);
    }
    case 'pop': {
      const array = arrayAt(current, key, '$pop', false);
      if (array === undefined || array.length === 0) return;
      if (operation.end === 'first') array.shift();
      else array.pop();
      return;
    }
    case 'pull':
    case 'pullAll': {
      const array = arrayAt(current, key, operation.op === 'pull' ? '$pull' : '$pullAll', false);
      if (array === undefined) return;
      const remove = operation.op === 'pull' ? pullTest(operation.condition) : (item: JsonValue) => operation.values.some((value) => valuesEqual(item, value));
      setChild(container, key, array.filter((item) => !remove(item)));
      return;
    }
    case 'rename':
      return; // applied by rename()
  }
}

/** The array at the field (its own object, to change in place); undefined when missing. */
function arrayAt(current: JsonValue | undefined, key: string, operator: string, creating: boolean): JsonValue[] | undefined {
  if (current === undefined) return creating ? [] : undefined;
  if (!Array.isArray(current)) fail(`${operator} needs an array, but the field '${key}' is ${typeName(current)}`);
  return current;
}

function typeName(value: JsonValue): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : isObject(value) ? 'an object' : `a ${typeof value}`;
}

function pullTest(condition: Extract<UpdateOperation, { op: 'pull' }>['condition']): (item: JsonValue) => boolean {
  switch (condition.kind) {
    case 'document':
      return (item) => isObject(item) && matches(condition.filter, item);
    case 'value':
      return (item) => matchesValue(condition.filter, item, true);
    case 'equals':
      return (item) => valuesEqual(item, condition.value);
  }
}

/** `$each` inserted at `$position`, then `$sort`, then `$slice`: MongoDB's order whatever the order written. */
function push(array: JsonValue[], operation: PushOperation): JsonValue[] {
  const each = operation.each.map((value) => cloneValue(value));
  let position = operation.position ?? array.length;
  if (position < 0) position = Math.max(0, array.length + position);
  position = Math.min(position, array.length);
  let result = [...array.slice(0, position), ...each, ...array.slice(position)];
  const sort = operation.sort;
  if (sort !== undefined) {
    result = 'direction' in sort ? [...result].sort((a, b) => compareValues(a, b) * sort.direction) : [...result].sort((a, b) => compareByKeys(a, b, sort.keys));
  }
  if (operation.slice !== undefined) {
    result = operation.slice >= 0 ? result.slice(0, operation.slice) : result.slice(Math.max(0, result.length + operation.slice));
  }
  return result;
}

/** `$sort: {field: 1}` orders object elements by their fields (missing as null); other pairs by value. */
function compareByKeys(a: JsonValue, b: JsonValue, keys: Sort): number {
  if (!isObject(a) || !isObject(b)) return compareValues(a, b);
  for (const key of keys) {
    const c = compareValues(dotted(a, key.path) ?? null, dotted(b, key.path) ?? null) * key.direction;
    if (c !== 0) return c;
  }
  return 0;
}

function dotted(value: JsonValue | undefined, path: Path): JsonValue | undefined {
  let current = value;
  for (const component of path) {
    if (!isObject(current)) return undefined;
    current = field(current, component);
  }
  return current;
}

/** `$rename`: unset the source, set the destination; neither may go through an array (MongoDB's rule). */
function rename(document: JsonObject, from: Path, to: Path): void {
  const source = parentObject(document, from, false, 'source');
  if (source === undefined) return;
  const key = from[from.length - 1] as string;
  const value = field(source, key);
  if (value === undefined) return;
  delete source[key];
  const destination = parentObject(document, to, true, 'destination') as JsonObject;
  destination[to[to.length - 1] as string] = value;
}

function parentObject(document: JsonObject, path: Path, create: boolean, role: string): JsonObject | undefined {
  let current: JsonObject = document;
  for (let i = 0; i < path.length - 1; i++) {
    const component = path[i] as string;
    const child = field(current, component);
    if (Array.isArray(child)) fail(`The ${role} field for $rename may not be an array element: '${path.join('.')}'`);
    if (child === undefined) {
      if (!create) return undefined;
      const created: JsonObject = {};
      current[component] = created;
      current = created;
    } else if (isObject(child)) {
      current = child;
    } else {
      if (!create) return undefined;
      fail(`Cannot create field '${path[i + 1]}' in element {${component}: ${JSON.stringify(child)}}`);
    }
  }
  return current;
}
