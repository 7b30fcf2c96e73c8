import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFilter, parseOrderBy, parseUpdate, QUERY_LIMITS, QueryError } from '../../../src/query/parse.js';

describe('the documentation examples parse', () => {
  test("getting started: { 'firstName': { \"$regex\": \"^Rob\" } } (single quotes)", () => {
    assert.deepEqual(parseFilter(`{ 'firstName': { "$regex": "^Rob" } }`), {
      kind: 'field',
      path: ['firstName'],
      test: { op: 'regex', regex: { source: '^Rob', options: '', literalPrefix: 'Rob' } },
    });
  });
  test('projecting: orderBy { "Name": -1 } and { "Name": -1, "Age": 1 }', () => {
    assert.deepEqual(parseOrderBy(`{ "Name": -1 }`), [{ path: ['Name'], direction: -1 }]);
    assert.deepEqual(parseOrderBy(`{ "Name": -1, "Age": 1 }`), [
      { path: ['Name'], direction: -1 },
      { path: ['Age'], direction: 1 },
    ]);
  });
  test('the same filter as an object, as the SDK sends it', () => {
    assert.deepEqual(parseFilter({ firstName: { $regex: '^Rob' } }), parseFilter(`{ 'firstName': { "$regex": "^Rob" } }`));
  });
  test('shell forms: regex literals, ObjectId, ISODate, new Date, NumberInt/NumberLong, unquoted and reserved-word keys', () => {
    assert.deepEqual(parseFilter(`{ name: /^rob/i }`), { kind: 'field', path: ['name'], test: { op: 'regex', regex: { source: '^rob', options: 'i', literalPrefix: '' } } });
    assert.deepEqual(parseFilter(`{ _id: ObjectId("5C78CC81DD870827A8E7B6C4") }`), { kind: 'field', path: ['_id'], test: { op: 'eq', value: '5c78cc81dd870827a8e7b6c4' } });
    assert.deepEqual(parseFilter(`{ at: { $gte: ISODate("2019-03-01"), $lt: new Date("2019-04-01T00:00:00Z") } }`), {
      kind: 'and',
      filters: [
        { kind: 'field', path: ['at'], test: { op: 'gte', value: '2019-03-01T00:00:00.000Z' } },
        { kind: 'field', path: ['at'], test: { op: 'lt', value: '2019-04-01T00:00:00.000Z' } },
      ],
    });
    assert.deepEqual(parseFilter(`{ n: NumberInt(3), m: NumberLong("9007199254740991"), function: -1.5 }`), {
      kind: 'and',
      filters: [
        { kind: 'field', path: ['n'], test: { op: 'eq', value: 3 } },
        { kind: 'field', path: ['m'], test: { op: 'eq', value: 9007199254740991 } },
        { kind: 'field', path: ['function'], test: { op: 'eq', value: -1.5 } },
      ],
    });
  });
  test('ES2019+ text: a raw U+2028/U+2029 in a string (valid JSON), the s flag and named groups in a literal', () => {
    assert.deepEqual(parseFilter('{ a: "x\u2028y", "b\u2029": 1 }'), parseFilter({ a: 'x\u2028y', 'b\u2029': 1 }));
    assert.deepEqual(parseFilter('{"a": "x\u2028y"}'), { kind: 'field', path: ['a'], test: { op: 'eq', value: 'x\u2028y' } });
    // Between tokens it is a line terminator, as in ES6.
    assert.deepEqual(parseFilter('{\u2028a: 1\u2029}'), parseFilter({ a: 1 }));
    assert.deepEqual(parseFilter('{ a: /a.b/s }'), { kind: 'field', path: ['a'], test: { op: 'regex', regex: { source: 'a.b', options: 's', literalPrefix: '' } } });
    assert.deepEqual(parseFilter('{ a: /a.b/s }'), parseFilter({ a: { $regex: 'a.b', $options: 's' } }));
    assert.deepEqual(parseFilter('{ a: /^x.y/mis }'), parseFilter({ a: { $regex: '^x.y', $options: 'ims' } }));
    assert.deepEqual(parseFilter('{ a: /(?<word>\\w+)/ }'), parseFilter({ a: { $regex: '(?<word>\\w+)' } }));
    // A literal's source is kept as written, escaped slash and all.
    assert.deepEqual(parseFilter('{ a: /^a\\/b/ }'), { kind: 'field', path: ['a'], test: { op: 'regex', regex: { source: '^a\\/b', options: '', literalPrefix: 'a/b' } } });
    assert.deepEqual(parseFilter('{ a: { $in: [/x/s, "y"] } }'), parseFilter('{ a: { $in: [RegExp("x", "s"), "y"] } }'));
    assert.match(JSON.stringify(parseFilter('{ a: { $in: [/x/s, "y"] } }')), /"options":"s"/);
    // Keywords, old and new, are still fine as keys.
    assert.deepEqual(parseFilter('{ new: 1, class: 2, async: 3, await: 4, get: 5, of: { $gt: 6 } }'), parseFilter({ new: 1, class: 2, async: 3, await: 4, get: 5, of: { $gt: 6 } }));
  });
  test('nothing given means no filter: absent, null, blank, "undefined" and "null" (what the SDK sends)', () => {
    for (const input of [undefined, null, '', '   ', 'undefined', 'null']) {
      assert.equal(parseFilter(input), undefined);
      assert.equal(parseOrderBy(input), undefined);
      assert.equal(parseUpdate(input), undefined);
    }
  });
  test('operators become the tree: $ne/$nin/$not/$exists:false are not, $all is and, $all: [] matches nothing', () => {
    assert.deepEqual(parseFilter({ a: { $ne: 1 } }), { kind: 'not', filter: { kind: 'field', path: ['a'], test: { op: 'eq', value: 1 } } });
    assert.deepEqual(parseFilter({ a: { $exists: false } }), { kind: 'not', filter: { kind: 'field', path: ['a'], test: { op: 'exists' } } });
    assert.deepEqual(parseFilter({ a: { $all: [] } }), { kind: 'or', filters: [] });
    assert.deepEqual(parseFilter({ 'a.b': { $elemMatch: { $gt: 1 } } }), {
      kind: 'field',
      path: ['a', 'b'],
      test: { op: 'elemMatch', form: 'value', element: { kind: 'field', path: [], test: { op: 'gt', value: 1 } } },
    });
    assert.deepEqual(parseFilter({ a: { $mod: [4.5, -1.9] } }), { kind: 'field', path: ['a'], test: { op: 'mod', divisor: '4', remainder: '-1' } });
    assert.deepEqual(parseFilter({}), { kind: 'and', filters: [] });
  });
});

const filterRefusals: [string, unknown][] = [
  ['code: a function', `{ a: function () { return 1 } }`],
  ['code: an arrow function', `{ a: () => 1 }`],
  ['code: $where', { $where: 'this.a == 1' }],
  ['code: $where as text', `{ $where: "sleep(1000)" }`],
  ['$expr (and $function inside it)', { $expr: { $function: { body: 'function() {}', args: [], lang: 'js' } } }],
  ['$accumulator', { a: { $accumulator: {} } }],
  ['an unknown operator', { a: { $foo: 1 } }],
  ['an operator mixed with a field', { a: { $gt: 1, b: 2 } }],
  ['a $-key inside a value', { a: { b: { $gt: 1 } } }],
  ['$text', { $text: { $search: 'x' } }],
  ['$comment', { $comment: 'x' }],
  ['__proto__', `{ "__proto__": { "a": 1 } }`],
  ['__proto__ as an object key', JSON.parse('{"a": {"__proto__": 1}}')],
  ['constructor in a path', { 'a.constructor': 1 }],
  ['prototype', { prototype: 1 }],
  ['arithmetic', `{ a: 1 + 1 }`],
  ['a method call', `{ a: Math.max(1, 2) }`],
  ['a comment', `{ a: 1 } // hi`],
  ['a template', '{ a: `x` }'],
  ['BSON types JSON cannot hold', `{ a: Code("x") }`],
  ['Decimal128', `{ a: NumberDecimal("1.5") }`],
  ['NaN', `{ a: NaN }`],
  ['Infinity', { a: Infinity }],
  ['undefined as a value', `{ a: undefined }`],
  ['a non-object filter', `[{ a: 1 }]`],
  ['a string', `"a"`],
  ['broken syntax', `{ a: `],
  ['unbalanced brackets', `{ a: 1 }}`],
  ['an empty path component', { 'a..b': 1 }],
  ['a $-component in a path', { 'a.$b': 1 }],
  ['$and with no clauses', { $and: [] }],
  ['$or of a non-object', { $or: [1] }],
  ['$in of a non-array', { a: { $in: 1 } }],
  ['$size negative', { a: { $size: -1 } }],
  ['$size fractional', { a: { $size: 1.5 } }],
  ['$mod by zero', { a: { $mod: [0.5, 0] } }],
  ['$mod of one number', { a: { $mod: [2] } }],
  ['$type of a BSON-only type', { a: { $type: 'date' } }],
  ['$type of an unknown name', { a: { $type: 'constructor' } }],
  ['$not of a value', { a: { $not: 5 } }],
  ['$not empty', { a: { $not: {} } }],
  ['$options without $regex', { a: { $options: 'i' } }],
  ['$options with a letter MongoDB lacks', { a: { $regex: 'x', $options: 'g' } }],
  ['options both in the literal and in $options', `{ a: { $regex: /x/i, $options: "m" } }`],
  ['a backreference', { a: { $regex: '(a)\\1' } }],
  ['a lookahead', { a: { $regex: 'a(?=b)' } }],
  ['a lookbehind', { a: { $regex: '(?<=a)b' } }],
  ['an atomic group', { a: { $regex: '(?>a)' } }],
  ['a possessive quantifier', { a: { $regex: 'a++' } }],
  ['an inline m flag', { a: { $regex: '(?m)^a' } }],
  ['\\v, whose PCRE meaning RE2 lacks', { a: { $regex: '\\v' } }],
  ['a repeat RE2 refuses', { a: { $regex: 'a{1001}' } }],
  ['a regex over the length limit', { a: { $regex: 'a'.repeat(QUERY_LIMITS.maxRegexLength + 1) } }],
  ['a regex with the g flag', `{ a: /x/g }`],
  ['a regex with the y flag', `{ a: /x/y }`],
  ['a regex with the d flag (ES2022)', `{ a: /x/d }`],
  ['a regex with the v flag (ES2024)', `{ a: /x/v }`],
  ['a lookbehind in a literal (ES2018)', `{ a: /(?<=a)b/ }`],
  ['code: a template with an expression', '{ a: `x${1}` }'],
  ['code: a tagged template', '{ a: String.raw`x` }'],
  ['code: an async arrow function', `{ a: async () => 1 }`],
  ['code: an async function', `{ a: async function () {} }`],
  ['code: a generator', `{ a: function* () {} }`],
  ['code: a method', `{ a() {} }`],
  ['code: a generator method', `{ *a() {} }`],
  ['code: an async method', `{ async a() {} }`],
  ['code: a getter', `{ get a() {} }`],
  ['code: a getter of an operator', `{ a: { get $eq() {} } }`],
  ['code: a setter', `{ set a(v) {} }`],
  ['code: a class', `{ a: class {} }`],
  ['code: a class with a private field', `{ a: class { #x = 1 } }`],
  ['code: a dynamic import', `{ a: import("fs") }`],
  ['code: await', `{ a: await x }`],
  ['code: yield', `{ a: yield }`],
  ['code: new of a regex literal', `{ a: new /x/ }`],
  ['code: new.target', `{ a: new.target }`],
  ['a spread', `{ ...{ a: 1 } }`],
  ['a computed key', `{ [a]: 1 }`],
  ['optional chaining', `{ a: x?.y }`],
  ['nullish coalescing', `{ a: null ?? 1 }`],
  ['exponentiation', `{ a: 2 ** 3 }`],
  ['a logical assignment', `{ a: x ||= 1 }`],
  ['a BigInt', `{ a: 1n }`],
  ['a numeric separator', `{ a: 1_000 }`],
  ['a regex in $eq', `{ a: { $eq: /x/ } }`],
  ['all-or-nothing $all', { a: { $all: [{ $elemMatch: { b: 1 } }, 1] } }],
];

describe('refusals name the document that was wrong', () => {
  for (const [why, input] of filterRefusals) {
    test(`filter: ${why}`, () => {
      assert.throws(() => parseFilter(input), (error: unknown) => error instanceof QueryError && error.document === 'filter');
    });
  }
  test('limits: text over 64 KiB, nesting over 32, more than 1,000 values', () => {
    const refused = (input: unknown) => assert.throws(() => parseFilter(input), (error: unknown) => error instanceof QueryError && error.document === 'filter');
    refused(`{ a: "${'x'.repeat(QUERY_LIMITS.maxTextBytes)}" }`);
    refused(`${'{ a: '.repeat(40)}1${' }'.repeat(40)}`);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { a: deep };
    refused(deep);
    refused(`${'['.repeat(10000)}${']'.repeat(10000)}`);
    refused({ a: { $in: Array.from({ length: QUERY_LIMITS.maxNodes }, (_, i) => i) } });
    assert.ok(parseFilter({ a: { $in: Array.from({ length: 900 }, (_, i) => i) } }));
  });
  const orderByRefusals: [string, unknown][] = [
    ['a direction other than 1 or -1', { a: 2 }],
    ['a string direction', { a: 'asc' }],
    ['$meta', { score: { $meta: 'textScore' } }],
    ['a $-path', { $natural: 1 }],
    ['an array', `[["a", 1]]`],
  ];
  for (const [why, input] of orderByRefusals) {
    test(`orderBy: ${why}`, () => {
      assert.throws(() => parseOrderBy(input), (error: unknown) => error instanceof QueryError && error.document === 'orderBy');
    });
  }
  const updateRefusals: [string, unknown][] = [
    ['a replacement document', { a: 1 }],
    ['a pipeline', [{ $set: { a: 1 } }]],
    ['no operator', {}],
    ['an unknown operator', { $foo: { a: 1 } }],
    ['$setOnInsert', { $setOnInsert: { a: 1 } }],
    ['$bit', { $bit: { a: { and: 1 } } }],
    ['changing _id', { $set: { _id: 'x' } }],
    ['changing a field of _id', { $unset: { '_id.a': '' } }],
    ['renaming to _id', { $rename: { a: '_id' } }],
    ['overlapping paths', { $set: { a: 1 }, $inc: { 'a.b': 1 } }],
    ['the same path twice', { $set: { a: 1 }, $unset: { a: '' } }],
    ['array filters', { $set: { 'a.$[x]': 1 } }],
    ['two $ in a path', { $set: { 'a.$.b.$': 1 } }],
    ['a positional first component', { $set: { '$.a': 1 } }],
    ['$inc of a string', { $inc: { a: 'x' } }],
    ['a $-key in a value', { $set: { a: { $gt: 1 } } }],
    ['a dotted key in a value', { $set: { a: { 'b.c': 1 } } }],
    ['$push with an unknown modifier', { $push: { a: { $each: [1], $foo: 1 } } }],
    ['$push $slice fractional', { $push: { a: { $each: [1], $slice: 1.5 } } }],
    ['$addToSet with $slice', { $addToSet: { a: { $each: [1], $slice: 1 } } }],
    ['$pop of 2', { $pop: { a: 2 } }],
    ['$pullAll of a non-array', { $pullAll: { a: 1 } }],
    ['$rename to a number', { $rename: { a: 1 } }],
    ['$rename into itself', { $rename: { a: 'a.b' } }],
    ['$currentDate as a timestamp', { $currentDate: { a: { $type: 'timestamp' } } }],
    ['a bad $pull condition', { $pull: { a: { $foo: 1 } } }],
    ['code', `{ $set: { a: function () {} } }`],
  ];
  for (const [why, input] of updateRefusals) {
    test(`update: ${why}`, () => {
      assert.throws(() => parseUpdate(input), (error: unknown) => error instanceof QueryError && error.document === 'update');
    });
  }
});
