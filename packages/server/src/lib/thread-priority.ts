import os from 'node:os';

/**
 * Lowers the scheduling priority of the calling thread to `nice` (0–19), so it takes only CPU the
 * event loop leaves. Linux only: there nice is per thread. On macOS and Windows the same call
 * changes the whole process, the event loop included, so it is left alone there.
 */
export function lowerThisThreadPriority(nice: number): void {
  if (process.platform !== 'linux') return;
  try {
    os.setPriority(nice);
  } catch {
    // Not permitted here: the thread works the same, only without the lower priority.
  }
}
