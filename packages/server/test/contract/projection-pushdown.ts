import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { newObjectId } from '../../src/lib/ids.js';
import { storedDocument } from '../../src/modules/meshes/documents.js';
import type { MeshStore } from '../../src/modules/meshes/store.js';
import { EnginePool } from '../../src/modules/projections/engine-pool.js';
import { runEngineJob } from '../../src/modules/projections/engine-run.js';
import { checkPipeline } from '../../src/modules/projections/pipeline-check.js';
import { pushDown } from '../../src/modules/projections/pushdown.js';
import { runProjection } from '../../src/modules/projections/run.js';
import type { Projection } from '../../src/modules/projections/types.js';
import { parseFilter, parseOrderBy } from '../../src/query/parse.js';
import type { JsonObject } from '../../src/query/tree.js';
import { collection, filter, sort } from '../unit/query/arbitraries.js';

/** FUZZ_RUNS cases (100 by default: each inserts a mesh and runs it twice). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

const tail = fc.constantFrom<JsonObject[]>(
  [],
  [{ $group: { _id: '$a', n: { $sum: 1 } } }],
  [{ $project: { a: 1, c: 1 } }],
  [{ $addFields: { kind: { $type: '$b' } } }],
  [{ $unwind: '$a' }],
  [{ $limit: 3 }, { $count: 'n' }],
  [{ $sortByCount: '$c' }],
  [{ $match: { $expr: { $eq: [{ $type: '$a' }, 'string'] } } }],
);
const pushable = fc.tuple(
  fc.array(filter.map((f) => ({ $match: f })), { maxLength: 2 }),
  fc.option(sort.map((s) => ({ $sort: s })), { nil: undefined }),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }).map((n) => ({ $skip: n })), fc.integer({ min: 1, max: 6 }).map((n) => ({ $limit: n }))), { maxLength: 2 }),
).map(([matches, sorted, paging]) => [...matches, ...(sorted ? [sorted] : []), ...paging] as JsonObject[]);
const request = fc.record({
  filter: fc.option(filter, { nil: undefined }),
  orderBy: fc.option(sort, { nil: undefined }),
  page: fc.integer({ min: 1, max: 3 }),
  pageSize: fc.integer({ min: 1, max: 5 }),
});

/** A fresh mesh per case, named by alpha characters only: "casea", "caseb", ... "caseba", ... */
function meshName(n: number): string {
  let name = '';
  do {
    name = String.fromCharCode(97 + (n % 26)) + name;
    n = Math.floor(n / 26);
  } while (n > 0);
  return `case${name}`;
}

/**
 * The differential property of projections: a pipeline run with its leading $match / $sort /
 * $skip / $limit (and the request's filter, when nothing follows) in SQL answers exactly what the
 * whole pipeline answers in the engine over every document of the mesh, with the request's
 * filter, orderBy and paging. Generated data, pipelines and requests; asserts that pushdown
 * happened whenever the pipeline starts with a stage SQL can take.
 */
export function runPushdownDifferential(name: string, open: () => Promise<{ meshes: MeshStore; close(): Promise<void> }>): void {
  describe(`projection pushdown vs the engine: ${name}`, () => {
    let meshes: MeshStore;
    let close: () => Promise<void>;
    const engine = new EnginePool({ threads: 1, heapMb: 256, timeoutMs: 30_000, maxQueued: 8 });
    const accountId = newObjectId();
    let counter = 0;

    before(async () => {
      ({ meshes, close } = await open());
    });
    after(async () => {
      await engine.close();
      await close();
    });

    test('the same page and total, with pushdown and without', async () => {
      await fc.assert(
        fc.asyncProperty(collection, pushable, tail, request, async (documents, head, rest, req) => {
          const mesh = meshName(counter++);
          const rows = documents.map((d, i) => storedDocument(i.toString(16).padStart(24, '0'), { ...d, _id: undefined } as never));
          if (rows.length > 0) await meshes.insert(accountId, mesh, rows);
          const { pipeline } = checkPipeline([...head, ...rest]);
          const projection: Projection = { id: newObjectId(), accountId, name: 'p', mesh, pipeline, description: null, createdAt: 0, updatedAt: 0 };
          const parsed = { filter: parseFilter(req.filter), sort: parseOrderBy(req.orderBy), page: req.page, pageSize: req.pageSize };
          const pushed = await runProjection({ documents: meshes, engine, limits: { maxDocuments: 10_000, stageBytes: 1e8 } }, projection, null, parsed, { maxScan: 1e6 });
          const whole = runEngineJob({
            stages: pipeline,
            documents: rows.map((r) => r.json),
            lookups: {},
            user: null,
            filter: parsed.filter,
            sort: parsed.sort,
            offset: (req.page - 1) * req.pageSize,
            limit: req.pageSize,
            stageBytes: 1e8,
            maxDocuments: 10_000,
          });
          assert.ok(whole.ok, !whole.ok ? whole.message : '');
          assert.deepEqual(JSON.parse(pushed.results), JSON.parse(whole.results));
          assert.equal(pushed.totalRecords, whole.totalRecords);
          // Pushdown happened: the engine ran only the stages SQL could not take.
          const split = pushDown(pipeline);
          assert.equal(pushed.plan.engineStages, split.rest.length);
          assert.equal(pushed.plan.sqlOnly, split.rest.length === 0 && split.offset === 0 && split.limit === undefined);
        }),
        { numRuns: RUNS },
      );
    });
  });
}
