import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../../../src/query/tree.js';
import { filter as mingoSafeFilter, KEYS, scalar, sort as mingoSafeSort } from '../arbitraries.js';

/**
 * Documents and queries for the compiler's differential tests. The oracle here is our evaluator,
 * not mingo, so the corners arbitraries.ts leaves out for mingo's sake are back in: empty and
 * nested arrays, digit keys, null on dotted paths, `$type`, `$mod`, `$all`, `$elemMatch` of a
 * document, objects of two keys (key order counts), numbers at the edges of int32/int64/2^53.
 */

const edgeNumbers = fc.constantFrom(2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 63, -(2 ** 63), 2 ** 53 + 2, 2 ** 60, 2 ** 60 + 256, 2 ** 63 - 1024, 1e21, 4.5, -7, 10, 1e-7);
const wideScalar: fc.Arbitrary<JsonValue> = fc.oneof({ arbitrary: scalar, weight: 5 }, { arbitrary: edgeNumbers, weight: 1 });
const keys = fc.constantFrom(...KEYS, '0');

const wideValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue; object: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: wideScalar, weight: 5 },
    { arbitrary: fc.array(tie('value'), { maxLength: 3 }), weight: 2 },
    { arbitrary: tie('object'), weight: 2 },
  ),
  object: fc.dictionary(keys, tie('value'), { maxKeys: 3 }),
})).value;

/** Values with no array anywhere: the data on which most queries must compile exactly. */
const flatValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue; object: JsonValue }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { arbitrary: wideScalar, weight: 5 }, { arbitrary: tie('object'), weight: 2 }),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
})).value;

function collectionOf(value: fc.Arbitrary<JsonValue>): fc.Arbitrary<JsonObject[]> {
  return fc
    .array(fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 3 }), { maxLength: 12 })
    .map((bodies) => bodies.map((body, i) => ({ _id: String(i).padStart(3, '0'), ...body })));
}

export const wideCollection = collectionOf(wideValue);
export const flatCollection = collectionOf(flatValue);

const path = fc.constantFrom('a', 'b', 'c', 'a.b', 'b.c', 'a.a', 'c.b.a', 'a.0', 'a.b.c', 'b.0.a');
const operand: fc.Arbitrary<JsonValue> = fc.oneof(
  { arbitrary: wideScalar, weight: 8 },
  { arbitrary: fc.dictionary(fc.constantFrom(...KEYS), scalar, { maxKeys: 2 }), weight: 1 },
  { arbitrary: fc.array(scalar, { maxLength: 2 }), weight: 1 },
);
const typeName = fc.constantFrom('null', 'bool', 'string', 'object', 'array', 'number', 'int', 'long', 'double');
const regexPattern = fc.constantFrom('^a', '^ab', '^a.', '^é', '^\u{1F600}', 'a', '^A', '^$', '^(a|b)', '^z\u00e9', '^');

const operatorValue: fc.Arbitrary<unknown> = fc.oneof(
  operand,
  operand.map((v) => ({ $ne: v })),
  fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), operand).map(([op, v]) => ({ [op]: v })),
  fc.tuple(fc.constantFrom('$gt', '$gte'), wideScalar, fc.constantFrom('$lt', '$lte'), wideScalar).map(([a, x, b, y]) => ({ [a]: x, [b]: y })),
  fc.array(operand, { maxLength: 3 }).map((vs) => ({ $in: vs })),
  fc.array(operand, { maxLength: 3 }).map((vs) => ({ $nin: vs })),
  fc.boolean().map((b) => ({ $exists: b })),
  fc.oneof(typeName, fc.array(typeName, { minLength: 1, maxLength: 2 })).map((t) => ({ $type: t })),
  fc.tuple(fc.constantFrom(2, 3, -2), fc.constantFrom(0, 1, -1)).map(([d, r]) => ({ $mod: [d, r] })),
  fc.integer({ min: 0, max: 3 }).map((n) => ({ $size: n })),
  fc.tuple(regexPattern, fc.constantFrom('', 'i', 's')).map(([source, options]) => ({ $regex: source, ...(options ? { $options: options } : {}) })),
  fc.tuple(fc.constantFrom('$gt', '$lt', '$eq'), wideScalar).map(([op, v]) => ({ $not: { [op]: v } })),
  fc.tuple(fc.constantFrom('$gt', '$lte', '$eq', '$ne'), wideScalar).map(([op, v]) => ({ $elemMatch: { [op]: v } })),
  fc.tuple(fc.constantFrom(...KEYS), operand).map(([k, v]) => ({ $elemMatch: { [k]: v } })),
  fc.tuple(fc.constantFrom(...KEYS), wideScalar).map(([k, v]) => ({ $elemMatch: { [k]: { $gte: v } } })),
  fc.array(wideScalar, { minLength: 1, maxLength: 2 }).map((vs) => ({ $all: vs })),
);

const fieldClause: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.tuple(path, operatorValue).map(([p, v]) => ({ [p]: v })),
  fc.constantFrom('000', '003', 'x').map((id) => ({ _id: id })),
);

const wideFilter: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ filter: Record<string, unknown> }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: fieldClause, weight: 4 },
    { arbitrary: fc.tuple(fieldClause, fieldClause).map(([x, y]) => ({ ...x, ...y })), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom('$and', '$or', '$nor'), fc.array(tie('filter'), { minLength: 1, maxLength: 3 })).map(([op, fs]) => ({ [op]: fs })), weight: 1 },
  ),
})).filter;

/** Filters from both vocabularies: the evaluator's mingo-checked one and this wider one. */
export const filter = fc.oneof(mingoSafeFilter, wideFilter);

export const sort = fc.oneof(
  mingoSafeSort,
  fc
    .uniqueArray(fc.constantFrom('a', 'b', 'c', 'a.b', 'b.c', '_id', 'a.0'), { minLength: 1, maxLength: 3 })
    .chain((paths) => fc.tuple(...paths.map((p) => fc.constantFrom(1, -1).map((d) => [p, d] as const))))
    .map((entries) => Object.fromEntries(entries)),
);
