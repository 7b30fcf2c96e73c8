import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { postJson } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The nice value of every thread of this process (Linux: /proc/self/task/TID/stat, field 19). */
function threadNices(): number[] {
  return fs.readdirSync('/proc/self/task').map((tid) => {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('helper threads run at lower priority, the event loop does not', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ logLevel: 'warn' });
  });
  after(() => t.close());

  test('password hashing at nice 10 and checkpoints at nice 19, while the process itself stays at 0', async () => {
    assert.equal(process.platform, 'linux', 'per-thread priorities are a Linux feature; this suite runs on Linux');
    const before = os.getPriority();
    const res = await postJson(`${t.base}/users/register`, { username: 'nice_user', newPassword: 'correct horse battery' });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    // Usually the process runs at 0; under a nicer parent, a thread cannot go below it, only stay.
    const passwordNice = Math.max(before, 10);
    let nices = threadNices();
    for (let attempt = 0; attempt < 50 && !(nices.includes(passwordNice) && nices.includes(19)); attempt++) {
      await sleep(50);
      nices = threadNices();
    }
    assert.ok(nices.includes(passwordNice), `a password thread at nice ${passwordNice} among ${nices.join(',')}`);
    assert.ok(nices.includes(19), `the checkpoint thread at nice 19 among ${nices.join(',')}`);
    assert.equal(os.getPriority(), before, 'the event loop keeps its priority');
  });
});
