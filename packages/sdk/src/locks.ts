/**
 * Keeps changes to a stored session one at a time, and refreshes to one per expiry.
 *
 * - singleFlight: callers asking for a refresh while one runs (in this JavaScript realm) join it.
 * - withSessionLock: every change of a session slot (refresh, login, sign-out) runs alone: in this
 *   realm by a promise queue, across tabs and workers sharing the storage by the Web Locks API
 *   where the platform has it (browsers, secure contexts). Whoever gets the lock re-reads the
 *   storage first, so a tab that waited finds the other tab's fresh token instead of spending
 *   the refresh token again.
 */
const flights = new WeakMap<object, Map<string, Promise<unknown>>>();
const queues = new WeakMap<object, Map<string, Promise<unknown>>>();

function tableFor(tables: WeakMap<object, Map<string, Promise<unknown>>>, scope: object): Map<string, Promise<unknown>> {
  let table = tables.get(scope);
  if (!table) tables.set(scope, (table = new Map()));
  return table;
}

/** Runs `task` unless one is already running for (scope, key); then joins it. */
export function singleFlight<T>(scope: object, key: string, task: () => Promise<T>): Promise<T> {
  const running = tableFor(flights, scope);
  const existing = running.get(key);
  if (existing) return existing as Promise<T>;
  const started = task().finally(() => running.delete(key));
  running.set(key, started);
  return started;
}

/** Runs `task` when no other task holds the lock `name` of `scope`, here or in another tab. Not re-entrant. */
export function withSessionLock<T>(scope: object, name: string, task: () => Promise<T>): Promise<T> {
  const queue = tableFor(queues, scope);
  const previous = queue.get(name) ?? Promise.resolve();
  const result = previous.then(() => withCrossTabLock(name, task));
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  queue.set(name, settled);
  void settled.then(() => {
    if (queue.get(name) === settled) queue.delete(name);
  });
  return result;
}

interface LockManager {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

function withCrossTabLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks && typeof locks.request === 'function' ? locks.request(name, task) : task();
}
