import { parentPort } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../../lib/thread-priority.js';
import type { EngineJob } from './engine-job.js';
import { runEngineJob } from './engine-run.js';

/**
 * A thread that runs pipelines, at lower priority (as the password threads), so a heavy report
 * slows reports and not the API's event loop; its heap is capped by the pool (resourceLimits).
 */
lowerThisThreadPriority(10);

parentPort?.on('message', (message: { id: number; job: EngineJob }) => {
  parentPort!.postMessage({ id: message.id, outcome: runEngineJob(message.job) });
});
