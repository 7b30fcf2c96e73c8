import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideRestart, firstRestartState, restartPolicy, workerListened, type RestartDecision, type RestartState, type WorkerExit } from '../../src/worker-restarts.js';

const policy = { firstDelayMs: 100, maxDelayMs: 5_000, stableMs: 10_000, startFailureLimit: 5 };
const first: RestartState = { delayMs: 100, startFailures: 0 };
const crashed = (servedMs: number | undefined, signal: string | null = null): WorkerExit => ({ code: signal ? null : 1, signal, servedMs });

interface Case {
  name: string;
  exit: WorkerExit;
  state: RestartState;
  expected: RestartDecision;
}

const cases: Case[] = [
  { name: 'exit 0 is a stop on purpose', exit: { code: 0, signal: null, servedMs: 50 }, state: first, expected: { kind: 'leave' } },
  { name: 'SIGTERM is a stop on purpose', exit: { code: null, signal: 'SIGTERM', servedMs: 50 }, state: first, expected: { kind: 'leave' } },
  { name: 'SIGINT is a stop on purpose', exit: { code: null, signal: 'SIGINT', servedMs: undefined }, state: first, expected: { kind: 'leave' } },
  {
    name: 'a first crash while serving waits the first delay and doubles the next',
    exit: crashed(50, 'SIGKILL'),
    state: first,
    expected: { kind: 'restart', afterMs: 100, state: { delayMs: 200, startFailures: 0 } },
  },
  {
    name: 'crashes that follow each other wait longer each time',
    exit: crashed(3_000),
    state: { delayMs: 800, startFailures: 0 },
    expected: { kind: 'restart', afterMs: 800, state: { delayMs: 1_600, startFailures: 0 } },
  },
  {
    name: 'the wait stops growing at the cap',
    exit: crashed(3_000),
    state: { delayMs: 5_000, startFailures: 0 },
    expected: { kind: 'restart', afterMs: 5_000, state: { delayMs: 5_000, startFailures: 0 } },
  },
  {
    name: 'a crash after serving just short of the stable time keeps the long wait',
    exit: crashed(9_999),
    state: { delayMs: 3_200, startFailures: 0 },
    expected: { kind: 'restart', afterMs: 3_200, state: { delayMs: 5_000, startFailures: 0 } },
  },
  {
    name: 'a crash after serving the stable time starts from the first delay again',
    exit: crashed(10_000),
    state: { delayMs: 5_000, startFailures: 0 },
    expected: { kind: 'restart', afterMs: 100, state: { delayMs: 200, startFailures: 0 } },
  },
  {
    name: 'crashes while serving are replaced however many start-up failures came before',
    exit: crashed(1, 'SIGSEGV'),
    state: { delayMs: 1_600, startFailures: 4 },
    expected: { kind: 'restart', afterMs: 1_600, state: { delayMs: 3_200, startFailures: 4 } },
  },
  {
    name: 'a first start-up failure is retried after the first delay',
    exit: crashed(undefined),
    state: first,
    expected: { kind: 'restart', afterMs: 100, state: { delayMs: 200, startFailures: 1 } },
  },
  {
    name: 'a start-up failure killed by a signal counts the same',
    exit: crashed(undefined, 'SIGKILL'),
    state: { delayMs: 400, startFailures: 2 },
    expected: { kind: 'restart', afterMs: 400, state: { delayMs: 800, startFailures: 3 } },
  },
  {
    name: 'the fourth start-up failure in a row is still retried',
    exit: crashed(undefined),
    state: { delayMs: 800, startFailures: 3 },
    expected: { kind: 'restart', afterMs: 800, state: { delayMs: 1_600, startFailures: 4 } },
  },
  { name: 'the fifth start-up failure in a row gives up', exit: crashed(undefined), state: { delayMs: 1_600, startFailures: 4 }, expected: { kind: 'give-up', startFailures: 5 } },
];

describe('decideRestart', () => {
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(decideRestart(c.exit, c.state, policy), c.expected));
  }

  test('a worker that listens ends the start-up failures in a row, not the long wait', () => {
    assert.deepEqual(workerListened({ delayMs: 1_600, startFailures: 4 }), { delayMs: 1_600, startFailures: 0 });
  });

  test('a worker that never starts is tried startFailureLimit times, waiting longer each time', () => {
    let state = firstRestartState();
    const waits: number[] = [];
    for (;;) {
      const decision = decideRestart(crashed(undefined), state);
      if (decision.kind === 'give-up') break;
      assert.ok(decision.kind === 'restart', decision.kind);
      waits.push(decision.afterMs);
      state = decision.state;
    }
    assert.equal(waits.length, restartPolicy.startFailureLimit - 1);
    assert.equal(waits[0], restartPolicy.firstDelayMs);
    for (let i = 1; i < waits.length; i++) assert.ok(waits[i]! > waits[i - 1]!, `wait ${i} grows: ${waits.join(', ')}`);
  });
});
