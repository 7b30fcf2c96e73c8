import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyUpdate, matches, sortDocuments } from '../../../src/query/evaluate.js';
import { parseFilter, parseOrderBy, parseUpdate, QueryError } from '../../../src/query/parse.js';
import type { JsonObject } from '../../../src/query/tree.js';

const match = (filter: unknown, document: JsonObject) => matches(parseFilter(filter), document);

describe("MongoDB's documented answers", () => {
  const cases: [unknown, JsonObject, boolean, string][] = [
    [{ a: { $gt: 5 } }, { a: '10' }, false, 'type bracketing: a string is never above a number'],
    [{ a: { $gt: 5 } }, { a: true }, false, 'nor a boolean'],
    [{ a: { $gt: 5 } }, { a: [1, 7] }, true, 'an array matches when an element does'],
    [{ a: 1 }, { a: 1.0 }, true, '1 equals 1.0'],
    [{ a: null }, { a: [null] }, true, 'null matches [null]'],
    [{ a: null }, {}, true, 'and a missing field'],
    [{ a: { $ne: null } }, {}, false, '$ne: null needs the field'],
    [{ a: [1, 2] }, { a: [[1, 2], 3] }, true, 'an array literal equals an element'],
    [{ a: 1 }, { a: [[1]] }, false, 'but equality enters one level of array only'],
    [{ a: { $size: 2 } }, { a: [[1, 2]] }, false, '$size counts the array itself'],
    [{ a: { $type: 'array' } }, { a: [] }, true, "$type 'array' matches the array itself"],
    [{ a: { $type: 'int' } }, { a: 3 }, true, 'an integral value is an int'],
    [{ a: { $type: 'double' } }, { a: 3.5 }, true, 'a fractional one a double'],
    [{ a: { $mod: [4, -1] } }, { a: -5 }, true, '$mod keeps the sign of the dividend'],
    [{ a: { $elemMatch: { $gt: 5 } } }, { a: [[6]] }, false, "$elemMatch's value form does not enter the element"],
    [{ a: { $elemMatch: { '0': 1 } } }, { a: [[1]] }, true, '$elemMatch sees an array element as a document keyed by index'],
    [{ a: { $regex: 'b$' } }, { a: 'ab\n' }, true, 'PCRE: $ matches before a final newline'],
    [{ a: { $regex: '^b', $options: 'm' } }, { a: 'a\nb' }, true, 'with m, ^ after a newline'],
    [{ a: { $regex: 'a\\sb' } }, { a: 'a\u000bb' }, true, 'PCRE: \\s includes the vertical tab'],
    [{ a: { $regex: 'a b # comment', $options: 'x' } }, { a: 'ab' }, true, 'x drops whitespace and comments'],
    [{ a: { $regex: 'a.b' } }, { a: 'a\nb' }, false, 'without s, . does not match a newline'],
    [{ a: { $regex: 'a.b', $options: 's' } }, { a: 'a\nb' }, true, 'with s, . matches a newline too'],
    ['{ a: /a.b/s }', { a: 'a\nb' }, true, 'the s flag of a literal is the s option'],
    ['{ a: /a.b/s }', { a: 'a\u2028b' }, true, 'and . matches any character'],
    ['{ a: /a.b/ }', { a: 'a\nb' }, false, 'a literal without it keeps . off newlines'],
    ['{ a: /a.b/ }', { a: 'a\u2028b' }, true, "PCRE's . stops at \\n only, not at JavaScript's other line terminators"],
    ['{ a: /^a.b$/ms }', { a: 'x\na\nb\ny' }, true, 'm and s together'],
    [{ a: { $regex: '^(a+)+$' } }, { a: `${'a'.repeat(5000)}!` }, false, 'a catastrophic pattern for a backtracking engine runs linearly'],
  ];
  for (const [filter, document, expected, why] of cases) {
    test(`${why}: ${JSON.stringify(filter)} on ${JSON.stringify(document)}`, () => assert.equal(match(filter, document), expected));
  }

  test('sort: null < numbers < strings < objects < arrays < booleans; arrays by least (asc) / greatest (desc) element; [] below null; _id breaks ties', () => {
    const documents: JsonObject[] = [
      { _id: '1', a: true },
      { _id: '2', a: [] },
      { _id: '3', a: 'b' },
      { _id: '4' },
      { _id: '5', a: { x: 1 } },
      { _id: '6', a: null },
      { _id: '7', a: 2 },
      { _id: '8', a: [0, 'z'] },
      { _id: '9', a: 'B' },
      { _id: '10', a: 'é' },
    ];
    const ids = (orderBy: unknown) => sortDocuments(documents, parseOrderBy(orderBy)).map((d) => d['_id']);
    assert.deepEqual(ids({ a: 1 }), ['2', '4', '6', '8', '7', '9', '3', '10', '5', '1']);
    assert.deepEqual(ids({ a: -1 }), ['1', '5', '10', '8', '3', '9', '7', '4', '6', '2']);
  });
});

describe('applyUpdate, as MongoDB 5+', () => {
  const apply = (update: unknown, document: JsonObject, filter?: unknown) =>
    applyUpdate(document, parseUpdate(update)!, { filter: parseFilter(filter), now: new Date('2024-01-02T03:04:05.678Z') });

  test('new fields land in path order; existing ones keep their place; the input is left alone', () => {
    const document = { _id: 'x', z: 1, m: 2 };
    const { document: updated, modified } = apply({ $set: { c: 1, b: 2, m: 3 } }, document);
    assert.deepEqual(Object.keys(updated), ['_id', 'z', 'm', 'b', 'c']);
    assert.equal(updated['m'], 3);
    assert.equal(modified, true);
    assert.deepEqual(document, { _id: 'x', z: 1, m: 2 });
  });
  test('setting the same value is not a modification', () => {
    assert.equal(apply({ $set: { a: 1 } }, { _id: 'x', a: 1 }).modified, false);
  });
  test('$set pads arrays with null and creates objects on the way', () => {
    assert.deepEqual(apply({ $set: { 'a.2': 1, 'b.c.d': true } }, { _id: 'x', a: [0] }).document, { _id: 'x', a: [0, null, 1], b: { c: { d: true } } });
  });
  test('positional $: the element the filter matched; $[]: every element', () => {
    const document = { _id: 'x', grades: [80, 85, 90], items: [{ n: 1 }, { n: 2 }] };
    assert.deepEqual(apply({ $set: { 'grades.$': 82 } }, document, { grades: 85 }).document['grades'], [80, 82, 90]);
    assert.deepEqual(apply({ $inc: { 'items.$[].n': 10 } }, document).document['items'], [{ n: 11 }, { n: 12 }]);
    assert.deepEqual(apply({ $set: { 'items.$.n': 0 } }, document, { items: { $elemMatch: { n: 2 } } }).document['items'], [{ n: 1 }, { n: 0 }]);
    assert.throws(() => apply({ $set: { 'grades.$': 1 } }, document, { _id: 'x' }), QueryError);
  });
  test('$push applies $position, then $sort, then $slice; $pull by condition; $pop; $rename; $currentDate; $min', () => {
    assert.deepEqual(apply({ $push: { a: { $each: [5, 1], $position: 0, $sort: -1, $slice: 3 } } }, { _id: 'x', a: [3, 4] }).document['a'], [5, 4, 3]);
    assert.deepEqual(apply({ $pull: { a: { $gte: 3 }, b: { n: 1 } } }, { _id: 'x', a: [1, 3, [4], 2], b: [{ n: 1, m: 2 }, { n: 2 }, 1] }).document, { _id: 'x', a: [1, 2], b: [{ n: 2 }, 1] });
    assert.deepEqual(apply({ $pop: { a: -1 } }, { _id: 'x', a: [1, 2] }).document['a'], [2]);
    assert.deepEqual(apply({ $rename: { a: 'b.c' } }, { _id: 'x', a: 1, z: 0 }).document, { _id: 'x', z: 0, b: { c: 1 } });
    assert.equal(apply({ $currentDate: { at: true } }, { _id: 'x' }).document['at'], '2024-01-02T03:04:05.678Z');
    assert.equal(apply({ $min: { a: null } }, { _id: 'x', a: 1 }).document['a'], null);
  });
  test('what MongoDB refuses while applying is a QueryError for the update', () => {
    for (const [update, document] of [
      [{ $inc: { a: 1 } }, { _id: 'x', a: 'text' }],
      [{ $set: { 'a.b': 1 } }, { _id: 'x', a: 5 }],
      [{ $push: { a: 1 } }, { _id: 'x', a: {} }],
      [{ $set: { 'a.$[].b': 1 } }, { _id: 'x' }],
      [{ $rename: { 'a.0': 'b' } }, { _id: 'x', a: [1] }],
    ] as [unknown, JsonObject][]) {
      assert.throws(() => apply(update, document), (error: unknown) => error instanceof QueryError && error.document === 'update', JSON.stringify(update));
    }
  });
});
