import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { find, Query, update as mingoUpdate } from 'mingo';
import { applyUpdate, matches, sortDocuments } from '../../../src/query/evaluate.js';
import { parseFilter, parseOrderBy, parseUpdate, QueryError } from '../../../src/query/parse.js';
import type { JsonObject, JsonValue } from '../../../src/query/tree.js';
import { collection, filter, sort, update } from './arbitraries.js';

/** `npm test` runs FUZZ_RUNS (default 300) cases per property; raise it to search harder. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

describe('the evaluator agrees with mingo (an independent implementation of MongoDB queries)', () => {
  test('filters select the same documents', () => {
    fc.assert(
      fc.property(collection, filter, (documents, mongoFilter) => {
        const tree = parseFilter(structuredClone(mongoFilter));
        const query = new Query(structuredClone(mongoFilter));
        for (const document of documents) {
          assert.equal(matches(tree, document), query.test(structuredClone(document)), `${JSON.stringify(mongoFilter)} on ${JSON.stringify(document)}`);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** Objects one level deep (for the path "a.b"), holding scalars only. */
function scalarsOnly(value: JsonValue, depth = 0): JsonValue {
  if (Array.isArray(value)) return value.length > 0 ? scalarsOnly(value[0] as JsonValue, depth) : null;
  if (value !== null && typeof value === 'object') {
    if (depth > 0) return null;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scalarsOnly(v, depth + 1)]));
  }
  return value;
}

describe('sorts agree with mingo', () => {
  // Sort keys are scalars here: mingo orders arrays and objects otherwise than MongoDB
  // (mingo-deviations.ts has MongoDB's answers).
  const flat = collection.map((documents) => documents.map((document) => ({ ...(scalarsOnly(document) as JsonObject), _id: document['_id'] as string })));
  test('documents come in the same order, ties broken by _id', () => {
    fc.assert(
      fc.property(flat, sort, (documents, spec) => {
        const tree = parseOrderBy(structuredClone(spec));
        const ours = sortDocuments(documents, tree).map((document) => document['_id']);
        const theirs = find(structuredClone(documents), {}).sort({ ...spec, _id: 1 }).all().map((document) => document['_id']);
        assert.deepEqual(ours, theirs, JSON.stringify(spec));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('updates agree with mingo', () => {
  test('the same document results, whenever the update applies', () => {
    let applied = 0;
    fc.assert(
      fc.property(collection, update, (documents, modifier) => {
        const tree = parseUpdate(structuredClone(modifier));
        assert.ok(tree);
        const pushTargets = Object.entries((modifier['$push'] ?? {}) as Record<string, unknown>)
          .filter(([, v]) => typeof v === 'object' && v !== null && '$each' in v)
          .map(([p]) => p);
        for (const document of documents) {
          if (pushTargets.some((p) => !(p in document))) continue;
          let ours: JsonObject;
          try {
            ours = applyUpdate(document, tree).document;
          } catch (error) {
            if (error instanceof QueryError) continue; // MongoDB refuses it (e.g. $inc of a string); mingo applies anyway
            throw error;
          }
          applied += 1;
          const theirs = structuredClone(document);
          mingoUpdate(theirs, structuredClone(modifier) as never);
          // As stored: JSON writes -0 as 0, and key order is compared by the table tests.
          assert.deepStrictEqual(JSON.parse(JSON.stringify(ours)), JSON.parse(JSON.stringify(theirs)), `${JSON.stringify(modifier)} on ${JSON.stringify(document)}`);
        }
      }),
      { numRuns: RUNS },
    );
    assert.ok(applied > RUNS, `only ${applied} updates applied`);
  });
});
