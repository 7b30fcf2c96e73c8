import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnginePool } from '../../../src/modules/projections/engine-pool.js';
import type { EngineJob } from '../../../src/modules/projections/engine-job.js';

const job = (stages: EngineJob['stages'], documents = ['{"_id":"a","n":1}']): EngineJob => ({
  stages,
  documents,
  lookups: {},
  user: null,
  offset: 0,
  limit: 25,
  stageBytes: 1e8,
  maxDocuments: 1e6,
});
const slow = job([{ $project: { s: { $reduce: { input: { $range: [0, 20_000_000] }, initialValue: 0, in: { $add: ['$$value', '$$this'] } } } } }]);
const code = (error: unknown) => (error as { code?: string }).code;

/** The engine's threads: what a run past its heap, its time or the queue gets, and that the pool recovers. */
test('a run past its time ends its thread (projection_time_limit); the next run gets a fresh one', async () => {
  const pool = new EnginePool({ threads: 1, heapMb: 256, timeoutMs: 300, maxQueued: 4 });
  try {
    await assert.rejects(pool.run(slow), (error) => code(error) === 'projection_time_limit');
    assert.deepEqual(await pool.run(job([{ $project: { _id: 0, n: 1 } }])), { ok: true, results: '[{"n":1}]', totalRecords: 1 });
  } finally {
    await pool.close();
  }
});

test('a run past the heap ends its thread (projection_memory_limit)', async () => {
  const pool = new EnginePool({ threads: 1, heapMb: 32, timeoutMs: 30_000, maxQueued: 4 });
  try {
    await assert.rejects(pool.run(job([{ $project: { r: { $range: [0, 200_000_000] } } }])), (error) => code(error) === 'projection_memory_limit');
    assert.equal((await pool.run(job([{ $count: 'n' }]))).ok, true);
  } finally {
    await pool.close();
  }
});

test('runs beyond the queue are refused at once (projection_busy with Retry-After); close refuses the waiting ones', async () => {
  // Both wait while the thread loads: the queue holds two.
  const pool = new EnginePool({ threads: 1, heapMb: 256, timeoutMs: 2_000, maxQueued: 2 });
  const running = pool.run(slow).catch((error: unknown) => code(error));
  const waiting = pool.run(slow).catch((error: unknown) => code(error));
  await assert.rejects(pool.run(slow), (error) => code(error) === 'projection_busy' && (error as { headers: Record<string, string> }).headers['retry-after'] === '1');
  await pool.close();
  assert.equal(await waiting, 'shutting_down');
  assert.equal(await running, 'shutting_down');
});
