import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { restartPolicy } from '../../src/worker-restarts.js';
import { startServe } from '../helpers/cli.js';
import { postJson } from '../helpers/http.js';

type Serve = ReturnType<typeof startServe>;

/** pids of the processes whose parent is `pid`, or whose command line contains `pattern`. */
function pgrep(args: string[]): number[] {
  const result = spawnSync('pgrep', args, { encoding: 'utf8' });
  return result.stdout.trim().split('\n').filter(Boolean).map(Number);
}

/** Resolves with the match once the server's stderr matches `pattern`; fails the test after 20 s. */
async function stderrMatch(serve: Serve, pattern: RegExp): Promise<RegExpExecArray> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(50)) {
    const match = pattern.exec(serve.output().stderr);
    if (match) return match;
  }
  throw new Error(`stderr never matched ${pattern}:\n${serve.output().stderr}`);
}

/**
 * The exit code, or a failed test if the server is still running after 90 s. Five worker starts
 * of a second or two each and 1.5 s of waits end well within it; on a 2-core machine running other
 * suites beside this one, a worker's start took 4-5 s and 30 s were not enough.
 */
async function exitWithin90s(serve: Serve): Promise<number | null> {
  const timer = setTimeout(() => serve.child.kill('SIGKILL'), 90_000);
  const code = await serve.exited;
  clearTimeout(timer);
  assert.notEqual(serve.child.signalCode, 'SIGKILL', `still running after 90 s:\n${serve.output().stderr}`);
  return code;
}

async function healthy(url: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    // A new connection each time, so the primary hands them to every worker in turn.
    const res = await fetch(`${url}/healthz`, { headers: { connection: 'close' } });
    assert.equal(res.status, 200);
  }
}

describe('openmeshy serve --workers: replacing workers', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-restarts-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  /**
   * A worker that cannot start, every time: the primary retries with growing waits, then prints the
   * worker's error, stops and exits 1. Nothing of it is left running.
   */
  async function assertGivesUp(serve: Serve, data: string, reason: RegExp) {
    await assert.rejects(serve.ready, 'no "serving" line');
    assert.equal(await exitWithin90s(serve), 1);
    const { stdout, stderr } = serve.output();
    assert.doesNotMatch(stdout, /OpenMeshy is serving/);
    const restarts = [...stderr.matchAll(/^openmeshy: worker \d+ could not start: (.+); starting another in (\d+) ms$/gm)];
    assert.equal(restarts.length, restartPolicy.startFailureLimit - 1, `a bounded number of restarts:\n${stderr}`);
    for (const restart of restarts) assert.match(restart[1]!, reason);
    const waits = restarts.map((restart) => Number(restart[2]));
    assert.deepEqual(
      waits,
      waits.map((_, i) => restartPolicy.firstDelayMs * 2 ** i),
      'each restart waits twice as long as the one before',
    );
    const last = /^openmeshy: worker \d+ could not start: (.+); (\d+) workers in a row could not start, stopping$/m.exec(stderr);
    assert.ok(last, `the primary says why it stops:\n${stderr}`);
    assert.match(last[1]!, reason);
    assert.equal(Number(last[2]), restartPolicy.startFailureLimit);
    assert.deepEqual(pgrep(['-f', data]), [], 'no worker is left running');
  }

  test('workers that cannot listen (the port is taken) are retried, then the primary gives up with their error', async () => {
    // Only the workers listen (the primary just prepares the store), so a taken port fails them alone.
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const data = dataDir();
      const serve = startServe(['--port', String(port), '--workers', '2', '--data', data, '--log-level', 'warn']);
      await assertGivesUp(serve, data, new RegExp(`^bind EADDRINUSE 127\\.0\\.0\\.1:${port}$`));
    } finally {
      taken.close();
    }
  });

  test('workers that cannot reach Redis are retried, then the primary gives up with their error', async () => {
    // The primary's preparation does not use Redis; a worker's failed connection leaves ioredis
    // reconnecting, which must not keep the worker (and so the primary) alive.
    const data = dataDir();
    const serve = startServe(['--port', '0', '--workers', '2', '--data', data, '--log-level', 'warn', '--redis-url', 'redis://127.0.0.1:1']);
    await assertGivesUp(serve, data, /^(?!exited with code)\S.*$/);
  });

  test('a worker killed while serving is replaced, and the server keeps answering', async () => {
    const serve = startServe(['--port', '0', '--workers', '2', '--data', dataDir(), '--log-level', 'warn']);
    const { url } = await serve.ready;
    const primary = serve.child.pid!;
    const originals = pgrep(['-P', String(primary)]);
    assert.equal(originals.length, 2);
    const replacements: number[] = [];
    for (const worker of originals) {
      process.kill(worker, 'SIGKILL');
      await stderrMatch(serve, new RegExp(`^openmeshy: worker ${worker} exited \\(SIGKILL\\); starting another in \\d+ ms$`, 'm'));
      // While it is being replaced, the other worker answers.
      await healthy(url, 4);
      const serving = await stderrMatch(serve, new RegExp(`^openmeshy: worker (\\d+) is serving in place of worker ${worker}$`, 'm'));
      replacements.push(Number(serving[1]));
    }
    // Neither original is left: these answers come from the replacements.
    assert.deepEqual(pgrep(['-P', String(primary)]).sort(), replacements.sort());
    await healthy(url, 6);
    const registered = await postJson(`${url}/demo/users/register/anonymous`, { username: 'after_crashes' });
    assert.equal(registered.status, 201);

    serve.child.kill('SIGTERM');
    assert.equal(await exitWithin90s(serve), 0);
    const restarts = serve.output().stderr.match(/starting another/g) ?? [];
    assert.equal(restarts.length, 2, `one restart per killed worker:\n${serve.output().stderr}`);
  });
});
