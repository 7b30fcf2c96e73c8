/**
 * When the `serve --workers` primary replaces a worker that ended, as a pure function of how it
 * ended and of the restarts before it. Starting the processes is the caller's job.
 */
export const restartPolicy = {
  /** The wait before replacing a worker after a quiet spell. */
  firstDelayMs: 100,
  /** Each restart doubles the wait for the next, up to this. */
  maxDelayMs: 5_000,
  /** A worker that served this long before it crashed brings the wait back to firstDelayMs. */
  stableMs: 10_000,
  /**
   * Workers that exit before they listen, this many in a row, stop the primary: a taken port, an
   * unreachable Redis or a store that cannot be opened fails every replacement the same way.
   */
  startFailureLimit: 5,
};

export type RestartPolicy = typeof restartPolicy;

export interface RestartState {
  /** The wait before the next replacement. */
  delayMs: number;
  /** Workers that exited before they listened since a worker last listened. */
  startFailures: number;
}

export interface WorkerExit {
  code: number | null;
  signal: string | null;
  /** Milliseconds it served after it reported listening; undefined if it never did. */
  servedMs: number | undefined;
}

export type RestartDecision =
  /** Stopped on purpose: not replaced. */
  | { kind: 'leave' }
  | { kind: 'restart'; afterMs: number; state: RestartState }
  | { kind: 'give-up'; startFailures: number };

export function firstRestartState(policy: RestartPolicy = restartPolicy): RestartState {
  return { delayMs: policy.firstDelayMs, startFailures: 0 };
}

export function decideRestart(exit: WorkerExit, state: RestartState, policy: RestartPolicy = restartPolicy): RestartDecision {
  // Exit 0 is a worker's own graceful stop; SIGTERM and SIGINT are what supervisors send to every
  // process of the group.
  if (exit.code === 0 || exit.signal === 'SIGTERM' || exit.signal === 'SIGINT') return { kind: 'leave' };
  if (exit.servedMs === undefined) {
    const startFailures = state.startFailures + 1;
    if (startFailures >= policy.startFailureLimit) return { kind: 'give-up', startFailures };
    return { kind: 'restart', afterMs: state.delayMs, state: { delayMs: doubled(state.delayMs, policy), startFailures } };
  }
  // A crash after serving is replaced however often it comes (a worker that serves for a while
  // is worth having), but crashes that follow each other still wait longer and longer.
  const afterMs = exit.servedMs >= policy.stableMs ? policy.firstDelayMs : state.delayMs;
  return { kind: 'restart', afterMs, state: { delayMs: doubled(afterMs, policy), startFailures: state.startFailures } };
}

/** A worker reported listening: the start-up failures before it were not in a row. */
export function workerListened(state: RestartState): RestartState {
  return { ...state, startFailures: 0 };
}

function doubled(delayMs: number, policy: RestartPolicy): number {
  return Math.min(delayMs * 2, policy.maxDelayMs);
}
