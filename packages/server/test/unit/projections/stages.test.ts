import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runStages, type EngineEnvironment } from '../../../src/modules/projections/engine.js';
import { checkPipeline } from '../../../src/modules/projections/pipeline-check.js';
import type { JsonObject } from '../../../src/query/tree.js';

/**
 * Every supported stage against MongoDB's documentation examples (the manual's page for each
 * stage: its sample collection, pipeline and answer), run as a stored pipeline runs: checked,
 * then through the engine.
 */
interface Golden {
  stage: string;
  input: JsonObject[];
  pipeline: unknown[];
  expected: JsonObject[];
  lookups?: Record<string, JsonObject[]>;
  /** Order is not part of MongoDB's answer: compare sorted by _id. */
  unordered?: boolean;
}

const artists = [
  { _id: 1, last_name: 'Bernard', first_name: 'Emil', year_born: 1868 },
  { _id: 2, last_name: 'Rippl-Ronai', first_name: 'Joszef', year_born: 1861 },
  { _id: 3, last_name: 'Ostroumova', first_name: 'Anna', year_born: 1871 },
  { _id: 4, last_name: 'Van Gogh', first_name: 'Vincent', year_born: 1853 },
  { _id: 5, last_name: 'Maurer', first_name: 'Alfred', year_born: 1868 },
  { _id: 6, last_name: 'Munch', first_name: 'Edvard', year_born: 1863 },
  { _id: 7, last_name: 'Redon', first_name: 'Odilon', year_born: 1840 },
  { _id: 8, last_name: 'Diriks', first_name: 'Edvard', year_born: 1855 },
];
const artwork = [199.99, 280.0, 76.04, 167.3, 483.0, 385.0, 159.0, 118.42].map((price, i) => ({ _id: i + 1, price }));
const employees: JsonObject[] = [
  { _id: 1, name: 'Dev' },
  { _id: 2, name: 'Eliot', reportsTo: 'Dev' },
  { _id: 3, name: 'Ron', reportsTo: 'Eliot' },
  { _id: 4, name: 'Andrew', reportsTo: 'Eliot' },
  { _id: 5, name: 'Asya', reportsTo: 'Ron' },
  { _id: 6, name: 'Dan', reportsTo: 'Andrew' },
];
const orders: JsonObject[] = [
  { _id: 1, item: 'almonds', price: 12, quantity: 2 },
  { _id: 2, item: 'pecans', price: 20, quantity: 1 },
  { _id: 3 },
];
const inventory: JsonObject[] = [
  { _id: 1, sku: 'almonds', description: 'product 1', instock: 120 },
  { _id: 2, sku: 'bread', description: 'product 2', instock: 80 },
  { _id: 3, sku: 'cashews', description: 'product 3', instock: 60 },
  { _id: 4, sku: 'pecans', description: 'product 4', instock: 70 },
  { _id: 5, sku: null, description: 'Incomplete' },
  { _id: 6 },
];
const clothing: JsonObject[] = [
  { _id: 1, item: 'ABC', price: 80, sizes: ['S', 'M', 'L'] },
  { _id: 2, item: 'EFG', price: 120, sizes: [] },
  { _id: 3, item: 'IJK', price: 160, sizes: 'M' },
  { _id: 4, item: 'LMN', price: 10 },
  { _id: 5, item: 'XYZ', price: 5.75, sizes: null },
];
const scores = [
  { _id: 1, student: 'Maya', homework: [10, 5, 10], quiz: [10, 8], extraCredit: 0 },
  { _id: 2, student: 'Ryan', homework: [5, 6, 5], quiz: [8, 8], extraCredit: 8 },
];
const sales = [
  { _id: 1, item: 'abc', price: 10, quantity: 2 },
  { _id: 2, item: 'jkl', price: 20, quantity: 1 },
  { _id: 3, item: 'xyz', price: 5, quantity: 10 },
  { _id: 4, item: 'xyz', price: 5, quantity: 20 },
  { _id: 5, item: 'abc', price: 10, quantity: 10 },
];
const exhibits: JsonObject[] = [
  { _id: 1, title: 'The Pillars of Society', artist: 'Grosz', year: 1926, tags: ['painting', 'satire', 'Expressionism', 'caricature'] },
  { _id: 2, title: 'Melancholy III', artist: 'Munch', year: 1902, tags: ['woodcut', 'Expressionism'] },
  { _id: 3, title: 'Dancer', artist: 'Miro', year: 1925, tags: ['oil', 'Surrealism', 'painting'] },
  { _id: 4, title: 'The Great Wave off Kanagawa', artist: 'Hokusai', tags: ['woodblock', 'ukiyo-e'] },
  { _id: 5, title: 'The Persistence of Memory', artist: 'Dali', year: 1931, tags: ['Surrealism', 'painting', 'oil'] },
  { _id: 6, title: 'Composition VII', artist: 'Kandinsky', year: 1913, tags: ['oil', 'painting', 'abstract'] },
  { _id: 7, title: 'The Scream', artist: 'Munch', year: 1893, tags: ['Expressionism', 'painting', 'oil'] },
  { _id: 8, title: 'Blue Flower', artist: "O'Keefe", year: 1918, tags: ['abstract', 'painting'] },
];

const cases: Golden[] = [
  {
    stage: '$addFields',
    input: scores,
    pipeline: [{ $addFields: { totalHomework: { $sum: '$homework' }, totalQuiz: { $sum: '$quiz' } } }, { $addFields: { totalScore: { $add: ['$totalHomework', '$totalQuiz', '$extraCredit'] } } }],
    expected: [
      { ...scores[0]!, totalHomework: 25, totalQuiz: 18, totalScore: 43 },
      { ...scores[1]!, totalHomework: 16, totalQuiz: 16, totalScore: 40 },
    ],
  },
  {
    stage: '$set',
    input: scores,
    pipeline: [{ $set: { 'quiz': { $concatArrays: ['$quiz', [7]] } } }, { $project: { quiz: 1 } }],
    expected: [{ _id: 1, quiz: [10, 8, 7] }, { _id: 2, quiz: [8, 8, 7] }],
  },
  {
    stage: '$bucket',
    input: artists,
    pipeline: [
      {
        $bucket: {
          groupBy: '$year_born',
          boundaries: [1840, 1850, 1860, 1870, 1880],
          default: 'Other',
          output: { count: { $sum: 1 }, artists: { $push: { name: { $concat: ['$first_name', ' ', '$last_name'] }, year_born: '$year_born' } } },
        },
      },
      { $match: { count: { $gt: 3 } } },
    ],
    expected: [
      {
        _id: 1860,
        count: 4,
        artists: [
          { name: 'Emil Bernard', year_born: 1868 },
          { name: 'Joszef Rippl-Ronai', year_born: 1861 },
          { name: 'Alfred Maurer', year_born: 1868 },
          { name: 'Edvard Munch', year_born: 1863 },
        ],
      },
    ],
  },
  {
    stage: '$bucketAuto',
    input: artwork,
    pipeline: [{ $bucketAuto: { groupBy: '$price', buckets: 4 } }],
    expected: [
      { _id: { min: 76.04, max: 159.0 }, count: 2 },
      { _id: { min: 159.0, max: 199.99 }, count: 2 },
      { _id: { min: 199.99, max: 385.0 }, count: 2 },
      { _id: { min: 385.0, max: 483.0 }, count: 2 },
    ],
  },
  {
    stage: '$count',
    input: [88, 92, 97, 71, 79, 83].map((score, i) => ({ _id: i + 1, subject: 'History', score })),
    pipeline: [{ $match: { score: { $gt: 80 } } }, { $count: 'passing_scores' }],
    expected: [{ passing_scores: 4 }],
  },
  {
    stage: '$facet',
    input: artwork,
    pipeline: [{ $facet: { cheap: [{ $match: { price: { $lt: 150 } } }, { $count: 'n' }], top: [{ $sort: { price: -1 } }, { $limit: 1 }, { $project: { _id: 0, price: 1 } }] } }],
    expected: [{ cheap: [{ n: 2 }], top: [{ price: 483.0 }] }],
  },
  {
    stage: '$graphLookup',
    input: employees.filter((e) => e.name === 'Asya'),
    lookups: { employees },
    pipeline: [
      { $graphLookup: { from: 'employees', startWith: '$reportsTo', connectFromField: 'reportsTo', connectToField: 'name', as: 'reportingHierarchy' } },
      { $project: { name: 1, chain: { $sortArray: { input: '$reportingHierarchy.name', sortBy: 1 } } } },
    ],
    expected: [{ _id: 5, name: 'Asya', chain: ['Dev', 'Eliot', 'Ron'] }],
  },
  {
    stage: '$group',
    input: sales,
    pipeline: [{ $group: { _id: '$item', totalSaleAmount: { $sum: { $multiply: ['$price', '$quantity'] } } } }, { $match: { totalSaleAmount: { $gte: 100 } } }],
    expected: [{ _id: 'abc', totalSaleAmount: 120 }, { _id: 'xyz', totalSaleAmount: 150 }],
    unordered: true,
  },
  { stage: '$limit', input: sales, pipeline: [{ $limit: 2 }], expected: sales.slice(0, 2) },
  { stage: '$skip', input: sales, pipeline: [{ $skip: 3 }], expected: sales.slice(3) },
  { stage: '$match', input: sales, pipeline: [{ $match: { $or: [{ price: { $gt: 10 } }, { quantity: { $gte: 20 } }] } }], expected: [sales[1]!, sales[3]!] },
  {
    stage: '$match with $expr',
    input: sales,
    pipeline: [{ $match: { $expr: { $gt: [{ $multiply: ['$price', '$quantity'] }, 90] } } }],
    expected: [sales[3]!, sales[4]!],
  },
  {
    stage: '$lookup',
    input: orders,
    lookups: { inventory },
    pipeline: [{ $lookup: { from: 'inventory', localField: 'item', foreignField: 'sku', as: 'inventory_docs' } }],
    expected: [
      { ...orders[0]!, inventory_docs: [inventory[0]!] },
      { ...orders[1]!, inventory_docs: [inventory[3]!] },
      // A document without the field matches those whose field is null or missing.
      { _id: 3, inventory_docs: [inventory[4]!, inventory[5]!] },
    ],
  },
  {
    stage: '$lookup with a pipeline',
    input: orders.slice(0, 2),
    lookups: { inventory },
    pipeline: [
      { $lookup: { from: 'inventory', let: { wanted: '$item' }, pipeline: [{ $match: { $expr: { $eq: ['$sku', '$$wanted'] } } }, { $project: { _id: 0, instock: 1 } }], as: 'stock' } },
      { $project: { item: 1, stock: 1 } },
    ],
    expected: [
      { _id: 1, item: 'almonds', stock: [{ instock: 120 }] },
      { _id: 2, item: 'pecans', stock: [{ instock: 70 }] },
    ],
  },
  {
    stage: '$project',
    input: clothing.slice(0, 2),
    pipeline: [{ $project: { _id: 0, item: 1, dear: { $gt: ['$price', 100] }, sizeCount: { $size: '$sizes' } } }],
    expected: [{ item: 'ABC', dear: false, sizeCount: 3 }, { item: 'EFG', dear: true, sizeCount: 0 }],
  },
  {
    stage: '$redact',
    input: [{ _id: 1, title: 'report', level: 1, sections: [{ name: 'public', level: 1 }, { name: 'secret', level: 5, body: 'x' }] }],
    pipeline: [{ $redact: { $cond: { if: { $eq: ['$level', 5] }, then: '$$PRUNE', else: '$$DESCEND' } } }],
    expected: [{ _id: 1, title: 'report', level: 1, sections: [{ name: 'public', level: 1 }] }],
  },
  {
    stage: '$replaceRoot',
    input: [{ _id: 1, name: { first: 'John', last: 'Backus' } }, { _id: 2, name: { first: 'John', last: 'McCarthy' } }],
    pipeline: [{ $replaceRoot: { newRoot: '$name' } }],
    expected: [{ first: 'John', last: 'Backus' }, { first: 'John', last: 'McCarthy' }],
  },
  {
    stage: '$replaceWith',
    input: [{ _id: 1, name: { first: 'John', last: 'Backus' } }],
    pipeline: [{ $replaceWith: { $mergeObjects: [{ id: '$_id' }, '$name'] } }],
    expected: [{ id: 1, first: 'John', last: 'Backus' }],
  },
  {
    stage: '$sort',
    input: [{ _id: 1, v: 'b' }, { _id: 2, v: 3 }, { _id: 3 }, { _id: 4, v: null }, { _id: 5, v: [1, 9] }, { _id: 6, v: { a: 1 } }, { _id: 7, v: true }],
    // MongoDB's order of types: missing/null, numbers (an array by its least element), strings, objects, booleans.
    pipeline: [{ $sort: { v: 1 } }],
    expected: [{ _id: 3 }, { _id: 4, v: null }, { _id: 5, v: [1, 9] }, { _id: 2, v: 3 }, { _id: 1, v: 'b' }, { _id: 6, v: { a: 1 } }, { _id: 7, v: true }],
  },
  {
    stage: '$sortByCount',
    input: exhibits,
    pipeline: [{ $unwind: '$tags' }, { $sortByCount: '$tags' }, { $limit: 3 }],
    expected: [{ _id: 'painting', count: 6 }, { _id: 'oil', count: 4 }, { _id: 'Expressionism', count: 3 }],
  },
  {
    stage: '$unwind',
    input: clothing,
    pipeline: [{ $unwind: '$sizes' }],
    expected: [
      { _id: 1, item: 'ABC', price: 80, sizes: 'S' },
      { _id: 1, item: 'ABC', price: 80, sizes: 'M' },
      { _id: 1, item: 'ABC', price: 80, sizes: 'L' },
      { _id: 3, item: 'IJK', price: 160, sizes: 'M' },
    ],
  },
  {
    stage: '$unwind with preserveNullAndEmptyArrays and includeArrayIndex',
    input: clothing.slice(1),
    pipeline: [{ $unwind: { path: '$sizes', preserveNullAndEmptyArrays: true, includeArrayIndex: 'at' } }],
    expected: [
      { _id: 2, item: 'EFG', price: 120, at: null },
      { _id: 3, item: 'IJK', price: 160, sizes: 'M', at: null },
      { _id: 4, item: 'LMN', price: 10, at: null },
      { _id: 5, item: 'XYZ', price: 5.75, sizes: null, at: null },
    ],
  },
  {
    stage: '$unset',
    input: clothing.slice(0, 1),
    pipeline: [{ $unset: ['sizes', 'price'] }],
    expected: [{ _id: 1, item: 'ABC' }],
  },
];

const env = (lookups: Record<string, JsonObject[]> = {}): EngineEnvironment => ({ lookups, user: null, stageBytes: 1e8, maxDocuments: 1e6 });
const byId = (documents: JsonObject[]) => [...documents].sort((a, b) => Number(a._id) - Number(b._id) || String(a._id).localeCompare(String(b._id)));

for (const golden of cases) {
  test(`${golden.stage}: MongoDB's documented answer`, () => {
    const { pipeline } = checkPipeline(golden.pipeline);
    const output = runStages(pipeline, structuredClone(golden.input) as JsonObject[], env(golden.lookups));
    assert.deepEqual(JSON.parse(JSON.stringify(golden.unordered ? byId(output) : output)), golden.unordered ? byId(golden.expected) : golden.expected);
  });
}

test('$sample answers the size asked for, each an input document once', () => {
  const { pipeline } = checkPipeline([{ $sample: { size: 3 } }]);
  const output = runStages(pipeline, structuredClone(sales), env());
  assert.equal(output.length, 3);
  assert.equal(new Set(output.map((d) => d._id)).size, 3);
  for (const document of output) assert.deepEqual(document, sales.find((s) => s._id === document._id));
});

test('$graphLookup without maxDepth ends on a cycle, each document once', () => {
  const cycle = [{ _id: 1, name: 'a', next: 'b' }, { _id: 2, name: 'b', next: 'c' }, { _id: 3, name: 'c', next: 'a' }];
  const { pipeline } = checkPipeline([{ $graphLookup: { from: 'nodes', startWith: '$next', connectFromField: 'next', connectToField: 'name', as: 'reach' } }, { $project: { n: { $size: '$reach' } } }]);
  const output = runStages(pipeline, structuredClone(cycle.slice(0, 1)), env({ nodes: cycle }));
  assert.deepEqual(output, [{ _id: 1, n: 3 }]);
});

test('$$USER is the caller: id, username and roles', () => {
  const { pipeline } = checkPipeline([{ $match: { $expr: { $eq: ['$ownerId', '$$USER.id'] } } }, { $project: { _id: 1, by: '$$USER.username', roles: '$$USER.roles' } }]);
  const rows = [{ _id: 1, ownerId: 'u1' }, { _id: 2, ownerId: 'u2' }];
  const output = runStages(pipeline, structuredClone(rows), { ...env(), user: { id: 'u2', username: 'bob', roles: ['staff'] } });
  assert.deepEqual(output, [{ _id: 2, by: 'bob', roles: ['staff'] }]);
  assert.deepEqual(runStages(pipeline, structuredClone(rows), env()), []);
});

test('$regexMatch, $regexFind and $regexFindAll run on RE2 with PCRE meanings', () => {
  const { pipeline } = checkPipeline([
    { $project: { m: { $regexMatch: { input: '$s', regex: '^ab', options: 'i' } }, f: { $regexFind: { input: '$s', regex: '(b+)' } }, all: { $regexFindAll: { input: '$s', regex: 'b+', options: 'i' } } } },
  ]);
  const output = runStages(pipeline, [{ _id: 1, s: 'ABbxb' }], env());
  assert.deepEqual(output, [{ _id: 1, m: true, f: { match: 'b', idx: 2, captures: ['b'] }, all: [{ match: 'Bb', idx: 1, captures: [] }, { match: 'b', idx: 4, captures: [] }] }]);
});

test('a pattern only a backtracking engine runs fails on RE2 instead of running', () => {
  const { pipeline } = checkPipeline([{ $project: { m: { $regexMatch: { input: '$s', regex: '(a)\\1' } } } }]);
  assert.throws(() => runStages(pipeline, [{ _id: 1, s: 'aa' }], env()), /backreferences/);
});
