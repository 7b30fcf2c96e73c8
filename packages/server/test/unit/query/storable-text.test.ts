import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyUpdate } from '../../../src/query/evaluate.js';
import { parseFilter, parseUpdate, UnstorableText } from '../../../src/query/parse.js';
import { holdsUnstorableText, isStorableJsonText, isStorableText } from '../../../src/query/storable-text.js';
import type { JsonObject, JsonValue } from '../../../src/query/tree.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/**
 * Strings made of what the text check must tell apart: NUL, both halves of a surrogate pair
 * (together one character, apart unstorable), backslashes and the letters of `\u0000` and `\ud800`
 * (a backslash of the data is written `\\` in JSON, so `\\u0000` in the text is not an escape).
 */
const tricky = fc.string({ unit: fc.constantFrom('\0', '\\', 'u', '0', 'd', '8', 'a', '"', '\ud83d', '\ude00', '\ud800', '\x01', 'é') });
const values: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('value'), { maxKeys: 4 }),
  ),
})).value;

test('the check of JSON text agrees with the walk of the value it was written from', () => {
  fc.assert(
    fc.property(values, (value) => {
      assert.equal(isStorableJsonText(JSON.stringify(value)), !holdsUnstorableText(value), JSON.stringify(value));
    }),
    { numRuns: RUNS * 10 },
  );
});

test('NUL and unpaired surrogates are unstorable, in values and in names; a pair and the escape\'s letters are not', () => {
  for (const text of ['\0', 'a\0b', '\ud800', 'x\udfff', '\ude00\ud83d']) {
    assert.equal(isStorableText(text), false, JSON.stringify(text));
    assert.equal(isStorableJsonText(JSON.stringify({ a: text })), false, JSON.stringify(text));
    assert.equal(isStorableJsonText(JSON.stringify({ [text]: 1 })), false, JSON.stringify(text));
  }
  for (const text of ['\\u0000', '\\\\u0000', 'u0000', '\ud83d\ude00', '\x01', '\\ud800', '']) {
    assert.equal(isStorableText(text), true, JSON.stringify(text));
    assert.equal(isStorableJsonText(JSON.stringify({ [text]: [text] })), true, JSON.stringify(text));
  }
});

const document: JsonObject = { _id: 'a', s: 'x', list: ['x'], o: { k: 1 } };
const apply = (update: unknown, on: JsonObject = document) => applyUpdate(on, parseUpdate(update)!, { filter: parseFilter({}), now: new Date(0) });

test('an update that would write unstorable text into the document throws UnstorableText', () => {
  for (const update of [
    { $set: { s: 'a\0' } },
    { $set: { 'o.n\0': 1 } },
    { $set: { o: { ['k\0']: 1 } } },
    { $rename: { s: 't\0' } },
    { $push: { list: { $each: ['y', '\ud800'] } } },
    { $addToSet: { list: '\0' } },
    { $max: { s: 'z\0' } },
    { $inc: { 'n\0': 1 } },
    { $currentDate: { '\0': true } },
  ]) {
    assert.throws(() => apply(update), UnstorableText, JSON.stringify(update));
  }
});

test('an update whose unstorable text is never written applies', () => {
  for (const update of [
    { $pull: { list: '\0' } },
    { $pullAll: { list: ['\0'] } },
    { $unset: { 'a\0': '' } },
    { $min: { s: 'z\0' } },
    { $rename: { 'gone\0': 't' } },
    { $push: { list: { $each: ['\0'], $slice: 1 } } },
    // The document changes, but not by the text: the result is walked and found clean.
    { $set: { s: 'y' }, $pull: { list: '\0' } },
    { $max: { s: 'a\0' }, $set: { n: 1 } },
  ]) {
    assert.doesNotThrow(() => apply(update), JSON.stringify(update));
  }
  // Text stored before the rule (SQLite held it) does not stop an update that brings none.
  const old: JsonObject = { _id: 'a', s: 'a\0' };
  assert.deepEqual(apply({ $set: { n: 1 } }, old).document, { _id: 'a', s: 'a\0', n: 1 });
});
