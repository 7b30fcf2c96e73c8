import type { JsonValue, Path, RegexSpec } from '../tree.js';
import { joinList, param, raw, type Param, type Sql, sql } from './fragment.js';
import { indexKeyExpression, sqliteJsonPath } from './index-paths.js';
import { exact, NEVER, or, type Pair, superset } from './pair.js';
import { SHAPE } from './shapes.js';
import {
  booleansPassing,
  classOf,
  INT32_END,
  INT32_MIN,
  INT64_END,
  INT64_MIN,
  needsTypeGuard,
  regexLiteral,
  regexRange,
  type ValueDialect,
  type ValueTest,
} from './value-dialect.js';

/**
 * SQLite over a TEXT column of JSON. A value is two expressions: `json_type` (the JSON kind,
 * NULL when missing) and `json_extract` (the SQL value: NULL for null and missing, numbers as
 * INTEGER/REAL, strings as TEXT, booleans as 0/1, objects and arrays as their JSON text). SQLite
 * compares NULL < numbers < TEXT, numbers by value across INTEGER and REAL, TEXT bytewise (UTF-8,
 * which is code-point order): where a path only ever held one kind, `json_extract` alone is
 * MongoDB's order, which is what lets an index on it serve filters and sorts.
 *
 * Objects compare as text: the store writes `JSON.stringify`'s text and SQLite returns a
 * subtree's text as written, so two objects are MongoDB-equal exactly when their texts are equal.
 */
export interface SqliteValue {
  readonly type: Sql;
  readonly value: Sql;
}

const NUMBER_TYPES = raw(`('integer', 'real')`);

export function sqliteValues(docColumn: string): ValueDialect<SqliteValue> {
  return {
    document: raw(docColumn),
    at(root, path, _atDocument, indexedPath) {
      if (indexedPath !== undefined) {
        const literal = raw(`'${sqliteJsonPath(indexedPath.split('.'))}'`);
        return { type: sql`json_type(${root}, ${literal})`, value: raw(indexKeyExpression('sqlite', docColumn, indexedPath)) };
      }
      const jsonPath = sqliteJsonPath(path);
      if (jsonPath === undefined) return undefined;
      return { type: sql`json_type(${root}, ${param(jsonPath)})`, value: sql`json_extract(${root}, ${param(jsonPath)})` };
    },
    someElement(ref, alias, condition) {
      // json_each of a scalar string would fail to parse: only an array reaches it.
      return sql`EXISTS (SELECT 1 FROM json_each(CASE WHEN ${ref.type} = 'array' THEN ${ref.value} END) AS ${raw(alias)} WHERE ${condition})`;
    },
    element(alias) {
      return { type: raw(`${alias}.type`), value: raw(`${alias}.value`) };
    },
    elementAsRoot(element) {
      return sql`(CASE WHEN ${element.type} = 'object' THEN ${element.value} END)`;
    },
    isArray(ref) {
      return sql`${ref.type} = 'array'`;
    },
    isObject(ref) {
      return sql`${ref.type} = 'object'`;
    },
    test(test, ref, held) {
      return testValue(test, ref, held);
    },
    sortTerms(ref, held, direction) {
      if ((held & (SHAPE.array | SHAPE.object)) !== 0) return undefined;
      const order = raw(direction === 1 ? ' ASC' : ' DESC');
      const plain = (held & ~(SHAPE.null | SHAPE.number | SHAPE.string)) === 0 || (held & ~(SHAPE.null | SHAPE.bool)) === 0;
      if (plain) return [sql`${ref.value}${order}`];
      const rank = sql`CASE ${ref.type} WHEN 'integer' THEN 1 WHEN 'real' THEN 1 WHEN 'text' THEN 2 WHEN 'true' THEN 3 WHEN 'false' THEN 3 ELSE 0 END`;
      return [sql`${rank}${order}`, sql`${ref.value}${order}`];
    },
  };
}

function testValue(test: ValueTest, ref: SqliteValue, held: number): Pair {
  switch (test.op) {
    case 'eq':
      return equals(ref, test.value, held);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compare(ref, test.op, test.value, held);
    case 'in':
      return inList(ref, test.values, test.regexes, held);
    case 'regex':
      return regex(ref, test.regex);
    case 'exists':
      return exact(sql`${ref.type} IS NOT NULL`);
    case 'type':
      return or(test.types.map((type) => exact(hasType(ref, type))));
    case 'mod':
      // Through REAL first: the evaluator's value is a double, and SQLite reads the stored text
      // 9223372036854775000 (JSON.stringify's 2^63 - 1024) as that exact integer instead.
      return exact(
        sql`(${ref.type} IN ${NUMBER_TYPES} AND ${ref.value} >= ${raw(INT64_MIN)} AND ${ref.value} < ${raw(`${INT64_END}.0`)} AND CAST(CAST(${ref.value} AS REAL) AS INTEGER) % ${param(BigInt(test.divisor))} = ${param(BigInt(test.remainder))})`,
      );
    case 'size':
      return exact(sql`(${ref.type} = 'array' AND json_array_length(${ref.value}) = ${param(test.size)})`);
  }
}

const INT64_LOW = -(2n ** 63n);
const INT64_HIGH = 2n ** 63n;

/**
 * A string, or a number as SQLite reads it back from a stored document's text. JSON.stringify
 * writes the double 2^60 as 1152921504606847000, which SQLite reads as that exact integer, not as
 * the double: bound as a double, `{n: 2 ** 60}` would not find the document. An integer past 2^53
 * is bound as the integer its shortest decimal form names (distinct doubles keep their order in
 * those forms, so comparisons agree with the evaluator's too); past int64, SQLite reads the text
 * as a double, and so is it bound.
 */
function valueParam(value: JsonValue): Param {
  // Below 2^63 String() writes plain digits (it turns to exponents at 1e21).
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 2 ** 53 && Math.abs(value) <= 2 ** 63) {
    const read = BigInt(String(value));
    if (read >= INT64_LOW && read < INT64_HIGH) return param(read);
  }
  return param(value);
}

function typeGuarded(ref: SqliteValue, kind: 'number' | 'string', held: number, comparison: Sql): Pair {
  if (!needsTypeGuard(held, kind)) return exact(comparison);
  return exact(sql`(${comparison} AND ${ref.type} ${kind === 'number' ? sql`IN ${NUMBER_TYPES}` : raw(`= 'text'`)})`);
}

function equals(ref: SqliteValue, value: JsonValue, held: number): Pair {
  const kind = classOf(value);
  switch (kind) {
    case 'null':
      return exact(sql`${ref.value} IS NULL`);
    case 'bool':
      return exact(sql`${ref.type} = ${raw(value ? `'true'` : `'false'`)}`);
    case 'number':
    case 'string':
      return typeGuarded(ref, kind, held, sql`${ref.value} = ${valueParam(value)}`);
    case 'object':
    case 'array':
      return exact(sql`(${ref.type} = ${raw(`'${kind}'`)} AND ${ref.value} = ${param(JSON.stringify(value))})`);
  }
}

const OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function compare(ref: SqliteValue, op: 'gt' | 'gte' | 'lt' | 'lte', value: JsonValue, held: number): Pair {
  const kind = classOf(value);
  switch (kind) {
    case 'null':
      // Only null (and missing) compare with null, and as equal.
      return op === 'gte' || op === 'lte' ? equals(ref, null, held) : NEVER;
    case 'bool': {
      const passing = booleansPassing(op, value as boolean);
      if (passing.length === 0) return NEVER;
      return exact(sql`${ref.type} IN (${raw(passing.map((b) => `'${b}'`).join(', '))})`);
    }
    case 'number':
    case 'string':
      return typeGuarded(ref, kind, held, sql`${ref.value} ${raw(OPERATORS[op])} ${valueParam(value)}`);
    case 'object':
    case 'array':
      // Field-by-field order is the evaluator's; SQL only narrows to the kind.
      return superset(sql`${ref.type} = ${raw(`'${kind}'`)}`);
  }
}

function inList(ref: SqliteValue, values: readonly JsonValue[], regexes: readonly RegexSpec[], held: number): Pair {
  const pairs: Pair[] = [];
  for (const kind of ['number', 'string'] as const) {
    const same = values.filter((value) => classOf(value) === kind);
    if (same.length === 0) continue;
    const list = joinList(
      same.map((value) => sql`${valueParam(value)}`),
      ', ',
    );
    pairs.push(typeGuarded(ref, kind, held, sql`${ref.value} IN (${list})`));
  }
  for (const value of values) {
    const kind = classOf(value);
    if (kind !== 'number' && kind !== 'string') pairs.push(equals(ref, value, held));
  }
  for (const spec of regexes) pairs.push(regex(ref, spec));
  return or(pairs);
}

function regex(ref: SqliteValue, spec: RegexSpec): Pair {
  const isString = sql`${ref.type} = 'text'`;
  const literal = regexLiteral(spec);
  if (literal?.kind === 'any') return exact(isString);
  if (literal?.kind === 'contains') return exact(sql`(${isString} AND instr(${ref.value}, ${param(literal.text)}) > 0)`);
  const range = regexRange(spec);
  if (range === undefined) return superset(isString);
  const low = sql`${ref.value} >= ${param(range.low)}`;
  const bounded = range.high === undefined ? low : sql`${low} AND ${ref.value} < ${param(range.high)}`;
  const test = sql`(${isString} AND ${bounded})`;
  return range.exact ? exact(test) : superset(test);
}

function hasType(ref: SqliteValue, type: Extract<ValueTest, { op: 'type' }>['types'][number]): Sql {
  const { type: t, value: v } = ref;
  const integral = sql`CAST(${v} AS INTEGER) = ${v}`;
  const int32 = sql`${v} >= ${raw(INT32_MIN)} AND ${v} < ${raw(INT32_END)}`;
  switch (type) {
    case 'null':
      return sql`${t} = 'null'`;
    case 'bool':
      return sql`${t} IN ('true', 'false')`;
    case 'string':
      return sql`${t} = 'text'`;
    case 'object':
      return sql`${t} = 'object'`;
    case 'array':
      return sql`${t} = 'array'`;
    case 'number':
      return sql`${t} IN ${NUMBER_TYPES}`;
    case 'int':
      return sql`(${t} IN ${NUMBER_TYPES} AND ${integral} AND ${int32})`;
    case 'long':
      return sql`(${t} IN ${NUMBER_TYPES} AND ${integral} AND NOT (${int32}))`;
    case 'double':
      return sql`(${t} IN ${NUMBER_TYPES} AND NOT (${integral}))`;
  }
}

