import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, startServe } from '../helpers/cli.js';
import { get, postJson } from '../helpers/http.js';

describe('openmeshy serve (the real bin)', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-serve-'));
  after(() => fs.rmSync(data, { recursive: true, force: true }));

  test('first start creates account demo and prints it; later starts reuse it', async () => {
    const first = startServe(['--port', '0', '--data', data, '--log-level', 'warn']);
    const printed = await first.ready;
    assert.equal(printed.account, 'demo');
    const registered = await postJson(`${printed.url}/demo/users/register/anonymous`, { username: 'kept' });
    assert.equal(registered.status, 201);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);

    const second = startServe(['--port', '0', '--data', data, '--log-level', 'warn']);
    const again = await second.ready;
    assert.equal(again.publicKey, printed.publicKey);
    assert.deepEqual((await get(`${again.url}/demo/users/kept/exists`)).body, { exists: true });
    second.child.kill('SIGINT');
    assert.equal(await second.exited, 0);
  });

  test('SIGTERM lets an in-flight request finish, then exits 0', async () => {
    const serve = startServe(['--port', '0', '--data', data, '--log-level', 'warn']);
    const { url } = await serve.ready;
    const body = JSON.stringify({ username: 'in_flight' });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${url}/demo/users/register/anonymous`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      // Half the body now, the signal, then the rest: the request is in flight when SIGTERM lands.
      req.write(body.slice(0, 5));
      sleep(200).then(async () => {
        serve.child.kill('SIGTERM');
        await sleep(300);
        req.end(body.slice(5));
      });
    });
    const res = await answer;
    assert.equal(res.status, 201, res.body);
    assert.equal(JSON.parse(res.body).username, 'in_flight');
    assert.equal(await serve.exited, 0);
    await assert.rejects(fetch(`${url}/healthz`), 'no new connections after shutdown');
  });

  test('--workers 2: a primary and two workers share the port; SIGTERM stops all of them with exit 0', async () => {
    const workersData = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-workers-'));
    try {
      const serve = startServe(['--port', '0', '--workers', '2', '--data', workersData, '--log-level', 'warn']);
      const printed = await serve.ready;
      assert.equal(printed.account, 'demo', 'the primary prepared the store and prints the demo line');
      const workers = execFileSync('pgrep', ['-P', String(serve.child.pid)], { encoding: 'utf8' }).trim().split('\n');
      assert.equal(workers.length, 2, 'two worker processes run under the primary');
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${printed.url}/healthz`, { headers: { connection: 'close' } });
        assert.equal(res.status, 200);
      }
      const registered = await postJson(`${printed.url}/demo/users/register/anonymous`, { username: 'via_workers' });
      assert.equal(registered.status, 201);
      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0);
    } finally {
      fs.rmSync(workersData, { recursive: true, force: true });
    }
  });

  test("run as an executable, the server and its --workers processes have the shebang's --no-memory-reducer", async () => {
    const workersData = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-flags-'));
    const serve = startServe(['--port', '0', '--workers', '2', '--data', workersData, '--log-level', 'warn'], {}, { asExecutable: true });
    try {
      await serve.ready;
      const workers = execFileSync('pgrep', ['-P', String(serve.child.pid)], { encoding: 'utf8' }).trim().split('\n');
      assert.equal(workers.length, 2);
      for (const pid of [String(serve.child.pid), ...workers]) {
        // What ps shows: node, its flags, then the bin and the command's arguments.
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        assert.deepEqual(argv.slice(1, 4), ['--no-memory-reducer', BIN, 'serve'], `process ${pid}: ${argv.join(' ')}`);
      }
      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0);
    } finally {
      // A failed check leaves no server behind: SIGTERM stops the primary and its workers.
      if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGTERM');
      await serve.exited;
      fs.rmSync(workersData, { recursive: true, force: true });
    }
  });
});
