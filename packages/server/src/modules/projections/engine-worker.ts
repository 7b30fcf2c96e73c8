import { parentPort } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../../lib/thread-priority.js';
import type { EngineJob } from './engine-job.js';
import { runEngineJob } from './engine-run.js';

/**
 * A thread that runs pipelines, at lower priority (as the password threads), so a heavy report
 * slows reports and not the API's event loop; its heap is capped by the pool (resourceLimits).
 */
lowerThisThreadPriority(10);

// Runs of every account share this thread: a pipeline that reached a prototype ($setField on
// "__proto__", say) must not change what the next run computes. pipeline-check.ts refuses such
// names; freezing the prototypes makes any way round that a no-op.
for (const prototype of [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype, Boolean.prototype, Date.prototype, RegExp.prototype, Map.prototype, Set.prototype]) {
  Object.freeze(prototype);
}

parentPort?.on('message', (message: { id: number; job: EngineJob }) => {
  parentPort!.postMessage({ id: message.id, outcome: runEngineJob(message.job) });
});
// Loaded: the pool starts timing runs from here.
parentPort?.postMessage({ ready: true });
