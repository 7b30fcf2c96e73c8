import { isRawObject, isRawRegex, type RawObject, type RawValue } from './input.js';
import { describe, integerOf, isOperatorObject, literal, parsePath, regexFromLiteral, regexSpec } from './parse-values.js';
import { QueryError } from './query-error.js';
import type { Filter, JsonTypeName, JsonValue, Path, RegexSpec, Test } from './tree.js';

/**
 * MongoDB's filter grammar, for the operators of tree.ts. Refused: every other operator — code
 * (`$where`, and `$function`/`$accumulator`, which only live inside `$expr`), `$expr` itself (the
 * aggregation language: a second grammar that SQL could rarely express), `$text`, geo, `$jsonSchema`,
 * `$comment`, bit tests — and every form MongoDB refuses.
 */
const kind = 'filter' as const;

function fail(detail: string): never {
  throw new QueryError(kind, detail);
}

export function parseFilterDocument(raw: RawValue): Filter {
  if (!isRawObject(raw)) fail(`a filter must be an object, not ${describe(raw)}`);
  const clauses: Filter[] = [];
  for (const [key, value] of raw.entries) {
    if (key.startsWith('$')) clauses.push(logical(key, value));
    else clauses.push(...fieldClauses(parsePath(kind, key), value));
  }
  return clauses.length === 1 ? (clauses[0] as Filter) : { kind: 'and', filters: clauses };
}

function logical(operator: string, value: RawValue): Filter {
  if (operator !== '$and' && operator !== '$or' && operator !== '$nor') fail(`the top-level operator ${operator}`);
  if (!Array.isArray(value) || value.length === 0) fail(`${operator} needs a non-empty array`);
  const filters = value.map((item) => {
    if (!isRawObject(item)) fail(`${operator} needs an array of objects`);
    return parseFilterDocument(item);
  });
  return { kind: operator.slice(1) as 'and' | 'or' | 'nor', filters };
}

/** One `path: value` entry: a regex, an operator object, or a value to equal. */
function fieldClauses(path: Path, value: RawValue): Filter[] {
  if (isRawRegex(value)) return [{ kind: 'field', path, test: { op: 'regex', regex: regexFromLiteral(kind, value) } }];
  if (isOperatorObject(value)) return operatorClauses(path, value as RawObject);
  return [{ kind: 'field', path, test: { op: 'eq', value: literal(kind, value) } }];
}

/** An operator object at `path` as one filter (`path: []` for $elemMatch's value form and $pull). */
export function parseOperatorsAt(path: Path, object: RawObject): Filter {
  const clauses = operatorClauses(path, object);
  return clauses.length === 1 ? (clauses[0] as Filter) : { kind: 'and', filters: clauses };
}

/** `{$gt: 1, $lt: 5}`: each operator is its own clause, with its own traversal, as in MongoDB. */
function operatorClauses(path: Path, object: RawObject): Filter[] {
  const clauses: Filter[] = [];
  const regex = regexOperands(object);
  for (const [operator, operand] of object.entries) {
    if (operator === '$regex') {
      clauses.push(field(path, { op: 'regex', regex: regex as RegexSpec }));
    } else if (operator !== '$options') {
      clauses.push(operatorClause(path, operator, operand));
    }
  }
  return clauses;
}

function regexOperands(object: RawObject): RegexSpec | undefined {
  const pattern = object.entries.find(([key]) => key === '$regex')?.[1];
  const options = object.entries.find(([key]) => key === '$options')?.[1];
  if (options !== undefined && typeof options !== 'string') fail('$options must be a string');
  if (pattern === undefined) {
    if (options !== undefined) fail('$options needs a $regex');
    return undefined;
  }
  if (isRawRegex(pattern)) {
    if (options !== undefined && pattern.flags !== '') fail('options both in the regular expression and in $options');
    return regexSpec(kind, pattern.source, options ?? pattern.flags);
  }
  if (typeof pattern !== 'string') fail('$regex needs a string or a regular expression');
  return regexSpec(kind, pattern, options ?? '');
}

function field(path: Path, test: Test): Filter {
  return { kind: 'field', path, test };
}

function not(filter: Filter): Filter {
  return { kind: 'not', filter };
}

function operatorClause(path: Path, operator: string, operand: RawValue): Filter {
  switch (operator) {
    case '$eq':
      return field(path, { op: 'eq', value: literal(kind, operand) });
    case '$ne':
      return not(field(path, { op: 'eq', value: literal(kind, operand) }));
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return field(path, { op: operator.slice(1) as 'gt' | 'gte' | 'lt' | 'lte', value: literal(kind, operand) });
    case '$in':
      return field(path, inTest(operator, operand));
    case '$nin':
      return not(field(path, inTest(operator, operand)));
    case '$exists':
      return truthy(operator, operand) ? field(path, { op: 'exists' }) : not(field(path, { op: 'exists' }));
    case '$type':
      return field(path, { op: 'type', types: typeNames(operand) });
    case '$not':
      return not(notOperand(path, operand));
    case '$elemMatch':
      return field(path, elemMatch(operand));
    case '$all':
      return all(path, operand);
    case '$size': {
      const size = integerOf(operand);
      if (size === null || size < 0) fail('$size needs a non-negative integer');
      return field(path, { op: 'size', size });
    }
    case '$mod':
      return field(path, mod(operand));
    default:
      return fail(`the operator ${operator}`);
  }
}

function inTest(operator: string, operand: RawValue): Test {
  if (!Array.isArray(operand)) fail(`${operator} needs an array`);
  const values: JsonValue[] = [];
  const regexes: RegexSpec[] = [];
  for (const item of operand) {
    if (isRawRegex(item)) regexes.push(regexFromLiteral(kind, item));
    else values.push(literal(kind, item));
  }
  return { op: 'in', values, regexes };
}

function truthy(operator: string, operand: RawValue): boolean {
  if (typeof operand === 'boolean') return operand;
  if (typeof operand === 'number') return operand !== 0;
  return fail(`${operator} needs true or false`);
}

function notOperand(path: Path, operand: RawValue): Filter {
  if (isRawRegex(operand)) return field(path, { op: 'regex', regex: regexFromLiteral(kind, operand) });
  if (!isRawObject(operand) || operand.entries.length === 0) fail('$not needs a regular expression or an object of operators');
  if (!isOperatorObject(operand)) fail('$not needs operators, not a value');
  return parseOperatorsAt(path, operand);
}

const LOGICAL = new Set(['$and', '$or', '$nor']);

function elemMatch(operand: RawValue): Test {
  if (!isRawObject(operand)) fail('$elemMatch needs an object');
  const first = operand.entries[0]?.[0];
  if (first !== undefined && first.startsWith('$') && !LOGICAL.has(first)) {
    return { op: 'elemMatch', form: 'value', element: parseOperatorsAt([], operand) };
  }
  return { op: 'elemMatch', form: 'document', element: parseFilterDocument(operand) };
}

/** `$all` is the `and` of equalities (or of `$elemMatch`es), as MongoDB defines it; `$all: []` matches nothing. */
function all(path: Path, operand: RawValue): Filter {
  if (!Array.isArray(operand)) fail('$all needs an array');
  const isElemMatch = (item: RawValue) => isRawObject(item) && item.entries[0]?.[0] === '$elemMatch';
  const elemMatches = operand.filter(isElemMatch).length;
  if (elemMatches > 0 && elemMatches < operand.length) fail('$all cannot mix $elemMatch with values');
  const clauses = operand.map((item): Filter => {
    if (isElemMatch(item)) {
      const entries = (item as RawObject).entries;
      if (entries.length !== 1) fail('$all: an $elemMatch object takes no other operator');
      return field(path, elemMatch(entries[0]?.[1] ?? null));
    }
    if (isRawRegex(item)) return field(path, { op: 'regex', regex: regexFromLiteral(kind, item) });
    return field(path, { op: 'eq', value: literal(kind, item) });
  });
  if (clauses.length === 0) return { kind: 'or', filters: [] };
  return clauses.length === 1 ? (clauses[0] as Filter) : { kind: 'and', filters: clauses };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function mod(operand: RawValue): Test {
  if (!Array.isArray(operand) || operand.length !== 2) fail('$mod needs [divisor, remainder]');
  const [divisor, remainder] = operand.map((item) => {
    if (typeof item !== 'number') fail('$mod needs numbers');
    const truncated = BigInt(Math.trunc(item));
    if (truncated < INT64_MIN || truncated > INT64_MAX) fail('$mod: a number beyond the 64-bit range');
    return truncated;
  }) as [bigint, bigint];
  if (divisor === 0n) fail('$mod: the divisor cannot be 0');
  return { op: 'mod', divisor: divisor.toString(), remainder: remainder.toString() };
}

const TYPE_ALIASES = new Map<string, JsonTypeName>(
  (['double', 'string', 'object', 'array', 'bool', 'null', 'int', 'long', 'number'] as const).map((name) => [name, name]),
);
const TYPE_CODES = new Map<number, JsonTypeName>([
  [1, 'double'],
  [2, 'string'],
  [3, 'object'],
  [4, 'array'],
  [8, 'bool'],
  [10, 'null'],
  [16, 'int'],
  [18, 'long'],
]);

/** The type names a JSON document can hold; BSON-only types (date, objectId, decimal, ...) are refused rather than silently matching nothing. */
function typeNames(operand: RawValue): JsonTypeName[] {
  const items = Array.isArray(operand) ? operand : [operand];
  if (items.length === 0) fail('$type needs at least one type');
  return items.map((item) => {
    const name = typeof item === 'string' ? TYPE_ALIASES.get(item) : typeof item === 'number' ? TYPE_CODES.get(item) : undefined;
    if (name === undefined) fail(`$type: the type ${JSON.stringify(item)} (a JSON document holds null, bool, string, object, array and numbers)`);
    return name;
  });
}
