import type { JsonObject, JsonValue, Path, RegexSpec } from '../tree.js';
import { joinList, param, raw, type Sql, sql } from './fragment.js';
import { indexKeyExpression, postgresRawExpression } from './index-paths.js';
import { exact, NEVER, or, type Pair, superset } from './pair.js';
import { SHAPE } from './shapes.js';
import {
  booleansPassing,
  classOf,
  INT32_END,
  INT32_MIN,
  INT64_END,
  INT64_MIN,
  keyOrderFree,
  needsTypeGuard,
  regexLiteral,
  regexRange,
  type ValueDialect,
  type ValueTest,
} from './value-dialect.js';

/**
 * PostgreSQL over a jsonb column. A value is its jsonb (`value`, SQL NULL when missing) and the
 * same with missing as JSON null (`key`: what indexes are built on, see index-paths.ts). jsonb
 * equality is MongoDB's for scalars (numbers by value, so 1 = 1.0; never across kinds) but not
 * for objects, whose key order jsonb forgets. jsonb orders kinds otherwise than MongoDB
 * (null < string < number < boolean < array < object), so every range test checks the kind.
 * Strings compare by code point: `COLLATE "C"` on their text, or the jsonb itself when the
 * database's collation already is code-point order (`codePointStrings`).
 */
export interface PostgresValue {
  readonly value: Sql;
  readonly key: Sql;
  /** Set when the value is a path from the document root that no index covers: containment can test equality. */
  readonly documentPath?: Path;
}

export function postgresValues(docColumn: string, codePointStrings: boolean): ValueDialect<PostgresValue> {
  const document = raw(docColumn);
  const textOf = (ref: PostgresValue): Sql => sql`((${ref.value} #>> '{}') COLLATE "C")`;
  const typeOf = (ref: PostgresValue): Sql => sql`jsonb_typeof(${ref.value})`;

  function equals(ref: PostgresValue, value: JsonValue): Pair {
    const kind = classOf(value);
    if (kind === 'null') return exact(sql`${ref.key} = 'null'::jsonb`);
    if (kind === 'object' || kind === 'array') {
      const test = sql`${ref.value} = ${param(JSON.stringify(value), '::jsonb')}`;
      return keyOrderFree(value) ? exact(test) : superset(test);
    }
    // Containment is what a GIN index on the document serves; an expression index serves `=`.
    if (ref.documentPath !== undefined) return exact(sql`${document} @> ${param(JSON.stringify(nested(ref.documentPath, value)), '::jsonb')}`);
    return exact(sql`${ref.key} = ${param(JSON.stringify(value), '::jsonb')}`);
  }

  function compare(ref: PostgresValue, op: 'gt' | 'gte' | 'lt' | 'lte', value: JsonValue, held: number): Pair {
    const kind = classOf(value);
    const operator = raw(OPERATORS[op]);
    switch (kind) {
      case 'null':
        return op === 'gte' || op === 'lte' ? equals(ref, null) : NEVER;
      case 'bool': {
        const passing = booleansPassing(op, value as boolean);
        if (passing.length === 0) return NEVER;
        return exact(sql`${ref.key} IN (${raw(passing.map((b) => `'${b}'::jsonb`).join(', '))})`);
      }
      case 'number':
      case 'string': {
        if (kind === 'string' && !codePointStrings) return exact(sql`(${typeOf(ref)} = 'string' AND ${textOf(ref)} ${operator} ${param(value, '::text')})`);
        const comparison = sql`${ref.key} ${operator} ${param(JSON.stringify(value), '::jsonb')}`;
        if (needsTypeGuard(held, kind)) return exact(sql`(${typeOf(ref)} = ${raw(kind === 'number' ? `'number'` : `'string'`)} AND ${comparison})`);
        // Only this kind and null were held, and null is the least jsonb: a bound from below
        // keeps null out, and leaves a range the index on the key can seek.
        return exact(op === 'gt' || op === 'gte' ? comparison : sql`(${comparison} AND ${ref.key} > 'null'::jsonb)`);
      }
      case 'object':
      case 'array':
        return superset(sql`${typeOf(ref)} = ${raw(`'${kind}'`)}`);
    }
  }

  function inList(ref: PostgresValue, values: readonly JsonValue[], regexes: readonly RegexSpec[]): Pair {
    const pairs: Pair[] = [];
    const listed = values.filter(keyOrderFree);
    if (listed.length > 0) {
      const list = joinList(
        listed.map((value) => sql`${param(JSON.stringify(value), '::jsonb')}`),
        ', ',
      );
      pairs.push(exact(sql`${ref.key} IN (${list})`));
    }
    for (const value of values) if (!keyOrderFree(value)) pairs.push(equals(ref, value));
    for (const spec of regexes) pairs.push(regex(ref, spec));
    return or(pairs);
  }

  function regex(ref: PostgresValue, spec: RegexSpec): Pair {
    const isString = sql`${typeOf(ref)} = 'string'`;
    const literal = regexLiteral(spec);
    if (literal?.kind === 'any') return exact(isString);
    if (literal?.kind === 'contains') return exact(sql`(${isString} AND strpos(${ref.value} #>> '{}', ${param(literal.text, '::text')}) > 0)`);
    const range = regexRange(spec);
    if (range === undefined) return superset(isString);
    const bound = (op: string, text: string): Sql =>
      codePointStrings ? sql`${ref.key} ${raw(op)} ${param(JSON.stringify(text), '::jsonb')}` : sql`${textOf(ref)} ${raw(op)} ${param(text, '::text')}`;
    const low = bound('>=', range.low);
    const test = range.high === undefined ? sql`(${isString} AND ${low})` : sql`(${isString} AND ${low} AND ${bound('<', range.high)})`;
    return range.exact ? exact(test) : superset(test);
  }

  function hasType(ref: PostgresValue, type: Extract<ValueTest, { op: 'type' }>['types'][number]): Sql {
    const t = typeOf(ref);
    const n = numeric(ref);
    const f = double(ref);
    const integral = sql`${f} = trunc(${f}) AND ${f} >= ${raw(INT64_MIN)}::float8 AND ${f} < ${raw(INT64_END)}::float8`;
    const int32 = sql`${n} >= ${raw(INT32_MIN)} AND ${n} < ${raw(INT32_END)}`;
    switch (type) {
      case 'null':
        return sql`${t} = 'null'`;
      case 'bool':
        return sql`${t} = 'boolean'`;
      case 'string':
      case 'object':
      case 'array':
      case 'number':
        return sql`${t} = ${raw(`'${type}'`)}`;
      case 'int':
        return sql`(${integral} AND ${int32})`;
      case 'long':
        return sql`(${integral} AND NOT (${int32}))`;
      case 'double':
        return sql`(${t} = 'number' AND NOT (${integral}))`;
    }
  }

  return {
    document,
    at(root, path, atDocument, indexedPath) {
      if (indexedPath !== undefined) {
        return { value: raw(postgresRawExpression(docColumn, indexedPath)), key: raw(indexKeyExpression('postgres', docColumn, indexedPath)) };
      }
      const value = sql`(${root} #> ${param([...path], '::text[]')})`;
      return { value, key: sql`COALESCE(${value}, 'null'::jsonb)`, ...(atDocument ? { documentPath: path } : {}) };
    },
    someElement(ref, alias, condition) {
      // jsonb_array_elements refuses anything but an array.
      return sql`EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN ${typeOf(ref)} = 'array' THEN ${ref.value} ELSE '[]'::jsonb END) AS ${raw(alias)}(v) WHERE ${condition})`;
    },
    element(alias) {
      const value = raw(`${alias}.v`);
      return { value, key: value };
    },
    elementAsRoot(element) {
      return sql`(CASE WHEN jsonb_typeof(${element.value}) = 'object' THEN ${element.value} END)`;
    },
    isArray(ref) {
      return sql`${typeOf(ref)} = 'array'`;
    },
    isObject(ref) {
      return sql`${typeOf(ref)} = 'object'`;
    },
    test(test, ref, held) {
      switch (test.op) {
        case 'eq':
          return equals(ref, test.value);
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte':
          return compare(ref, test.op, test.value, held);
        case 'in':
          return inList(ref, test.values, test.regexes);
        case 'regex':
          return regex(ref, test.regex);
        case 'exists':
          return exact(sql`${ref.value} IS NOT NULL`);
        case 'type':
          return or(test.types.map((type) => exact(hasType(ref, type))));
        case 'mod': {
          // On the double's exact value, as the evaluator's BigInt(Math.trunc(value)): the stored
          // text -9223372036854776000 is the double -2^63, inside int64 though its decimal is not.
          // The CASE keeps the int8 cast from seeing a value it cannot hold.
          const f = double(ref);
          const inRange = sql`${f} >= ${raw(INT64_MIN)}::float8 AND ${f} < ${raw(INT64_END)}::float8`;
          return exact(
            sql`(${inRange} AND (CASE WHEN ${inRange} THEN trunc(${f})::int8 % ${param(test.divisor, '::int8')} = ${param(test.remainder, '::int8')} END))`,
          );
        }
        case 'size':
          return exact(sql`jsonb_array_length(CASE WHEN ${typeOf(ref)} = 'array' THEN ${ref.value} END) = ${param(test.size, '::integer')}`);
      }
    },
    sortTerms(ref, held, direction) {
      if ((held & (SHAPE.array | SHAPE.object)) !== 0) return undefined;
      const order = raw(direction === 1 ? ' ASC' : ' DESC');
      const textOrder = raw(direction === 1 ? ' ASC NULLS FIRST' : ' DESC NULLS LAST');
      const only = (bits: number): boolean => (held & ~(SHAPE.null | bits)) === 0;
      if (only(SHAPE.number) || only(SHAPE.bool) || (only(SHAPE.string) && codePointStrings)) return [sql`${ref.key}${order}`];
      if (only(SHAPE.string)) return [sql`${textOf(ref)}${textOrder}`];
      const kind = sql`jsonb_typeof(${ref.key})`;
      const terms = [sql`CASE ${kind} WHEN 'number' THEN 1 WHEN 'string' THEN 2 WHEN 'boolean' THEN 3 ELSE 0 END${order}`];
      if ((held & SHAPE.string) !== 0 && !codePointStrings) terms.push(sql`(CASE WHEN ${kind} = 'string' THEN ${ref.key} #>> '{}' END) COLLATE "C"${textOrder}`);
      terms.push(sql`${ref.key}${order}`);
      return terms;
    },
  };
}

const OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** The number a jsonb holds, NULL for any other kind (a cast of a string would fail). */
function numeric(ref: PostgresValue): Sql {
  return sql`(CASE WHEN jsonb_typeof(${ref.value}) = 'number' THEN (${ref.value})::numeric END)`;
}

/**
 * The number as JavaScript reads it: a double. The evaluator's integer ranges ($type int/long, $mod)
 * are about that value, which can differ from the stored decimal text near 2^63 (JSON.stringify
 * writes -2^63 as -9223372036854776000); numeric would compare the text.
 */
function double(ref: PostgresValue): Sql {
  return sql`${numeric(ref)}::float8`;
}

/** `{a: {b: value}}` for the path a.b: the document containment looks for. */
function nested(path: Path, value: JsonValue): JsonObject {
  let out: JsonValue = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i] as string]: out };
  return out as JsonObject;
}
