import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPipeline } from '../../../src/modules/projections/pipeline-check.js';

/** What a stored pipeline may not hold: each refusal names the stage, as the API answers it. */
const refused: [string, unknown, string][] = [
  ['not a list', { $match: {} }, 'Pipeline must be a list of stages.'],
  ['a stage of two keys', [{ $match: {}, $limit: 1 }], 'Pipeline stage 1 must name exactly one stage.'],
  ['a stage that is no object', [1], 'Pipeline stage 1 must be an object with one stage.'],
  ['$out', [{ $out: 'x' }], 'Pipeline stage 1 ($out) writes a collection.'],
  ['$merge in a $facet', [{ $facet: { a: [{ $merge: 'x' }] } }], 'Pipeline stage 1 ($facet) uses $merge, which writes a collection.'],
  ['$function in $group', [{ $group: { _id: null, x: { $max: { $function: {} } } } }], 'Pipeline stage 1 ($group) uses $function, which runs code.'],
  ['$accumulator', [{ $group: { _id: null, x: { $accumulator: {} } } }], 'Pipeline stage 1 ($group) uses $accumulator, which runs code.'],
  ['$where in a lookup pipeline', [{ $lookup: { from: 'b', as: 'x', pipeline: [{ $match: { $where: '1' } }] } }], 'Pipeline stage 1 ($lookup) uses $where, which runs code.'],
  ['$unionWith', [{ $unionWith: 'b' }], 'Pipeline stage 1 ($unionWith) is not supported.'],
  ['an unknown operator', [{ $addFields: { x: { $eval: 'x' } } }], 'Pipeline stage 1 ($addFields) uses the unknown operator $eval.'],
  ['a prototype key', [{ $addFields: JSON.parse('{"__proto__": {"x": 1}}') }], 'Pipeline stage 1 ($addFields) uses the reserved key "__proto__".'],
  ['a prototype name in a path', [{ $project: { x: '$a.constructor' } }], 'Pipeline stage 1 ($project) uses a reserved name in "$a.constructor".'],
  ['$setField on __proto__', [{ $replaceWith: { $setField: { field: '__proto__', input: '$$ROOT', value: 1 } } }], 'Pipeline stage 1 ($replaceWith) uses a reserved name in "__proto__".'],
  ['a lookup into a dotted name', [{ $lookup: { from: 'other.person', as: 'x', localField: 'a', foreignField: 'b' } }], 'Pipeline stage 1 ($lookup) must read from a mesh of this account, named by alpha characters only.'],
  ['a graph lookup without from', [{ $graphLookup: { startWith: '$a', connectFromField: 'a', connectToField: 'b', as: 'x' } }], 'Pipeline stage 1 ($graphLookup) must read from a mesh of this account, named by alpha characters only.'],
  ['a lookup without fields or pipeline', [{ $lookup: { from: 'b', as: 'x' } }], 'Pipeline stage 1 ($lookup) needs localField and foreignField, or a pipeline.'],
  ['$regex in an $expr match', [{ $match: { $expr: { $eq: [1, 1] }, a: { $regex: '^x' } } }], 'Pipeline stage 1 ($match) uses $regex where it cannot run on RE2; use { $expr: { $regexMatch: ... } } instead.'],
  ['$regex in a lookup pipeline', [{ $lookup: { from: 'b', as: 'x', pipeline: [{ $match: { a: { $regex: 'x' } } }] } }], 'Pipeline stage 1 ($lookup) pipeline stage 1 ($match) uses $regex where it cannot run on RE2; use { $expr: { $regexMatch: ... } } instead.'],
  ['a limit of 0', [{ $limit: 0 }], 'Pipeline stage 1 ($limit) must be a positive whole number.'],
  ['a negative skip', [{ $skip: -1 }], 'Pipeline stage 1 ($skip) must be a whole number from 0.'],
  ['a $count with a dot', [{ $count: 'a.b' }], 'Pipeline stage 1 ($count) needs a field name (not empty, no "$" first, no ".").'],
  ['unsorted $bucket boundaries', [{ $bucket: { groupBy: '$a', boundaries: [3, 1] } }], 'Pipeline stage 1 ($bucket) needs groupBy and from 2 to 1001 boundaries of one type, ascending.'],
  ['too deep', [{ $match: JSON.parse(`${'{"a":'.repeat(45)}1${'}'.repeat(45)}`) }], 'Pipeline stage 1 ($match) is nested deeper than 40 levels.'],
  ['too big', [{ $match: { a: 'x'.repeat(300_000) } }], 'Pipeline must be at most 262144 bytes of JSON.'],
];

for (const [what, pipeline, reason] of refused) {
  test(`refused when stored: ${what}`, () => {
    assert.throws(() => checkPipeline(pipeline), (error: { code?: string; reason?: string }) => error.code === 'pipeline_invalid' && error.reason === reason);
  });
}

test('accepted: a $regex our parser takes, $literal holding any keys, lookups lower-cased and collected', () => {
  const checked = checkPipeline([
    { $match: { name: { $regex: '^a', $options: 'i' } } },
    { $addFields: { raw: { $literal: { $anything: 1 } } } },
    { $lookup: { from: 'Inventory', localField: 'a', foreignField: 'b', as: 'x' } },
    { $facet: { g: [{ $graphLookup: { from: 'People', startWith: '$a', connectFromField: 'a', connectToField: 'b', as: 'y', maxDepth: 3 } }] } },
  ]);
  assert.deepEqual([...checked.meshes], ['inventory', 'people']);
  assert.equal((checked.pipeline[2]!.$lookup as { from: string }).from, 'inventory');
});
