import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { blockAfterFailure } from '../../src/limits/login-throttle.js';
import { defaultAccountSettings } from '../../src/modules/accounts/defaults.js';
import { get } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { passwordGrant, passwordUser } from '../helpers/tokens.js';

const LIMIT_SENTENCE = 'You have either hit your API or Database limit. Please review your account.';

test('back-off policy: free tries, then 1 s doubling to the cap, then a lock', () => {
  const s = defaultAccountSettings.loginThrottle;
  const delays = Array.from({ length: 21 }, (_, i) => blockAfterFailure(i + 1, s.freeFailures, s.lockFailures, s) / 1000);
  assert.deepEqual(delays, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60, 900, 900]);
});

describe('password guessing is throttled per username and per IP', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await passwordUser(t, 'victim', 'correct horse battery');
    await passwordUser(t, 'other', 'another good one');
  });
  after(() => t.close());

  test('free failures, then 429 with Retry-After even for the right password; waiting it out works and resets', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await passwordGrant(t, 'victim', `wrong-${i}`);
      assert.equal(res.body.error_description, 'Password is invalid.');
    }
    const blocked = await passwordGrant(t, 'victim', 'correct horse battery');
    assert.equal(blocked.status, 429);
    assert.equal(blocked.headers.get('retry-after'), '1');
    assert.deepEqual(blocked.body, { error: 'temporarily_unavailable', error_description: LIMIT_SENTENCE, code: 'login_throttled_username' });

    assert.equal((await passwordGrant(t, 'other', 'another good one')).status, 200, 'another username is not affected');

    t.clock.advance(1_000);
    assert.equal((await passwordGrant(t, 'victim', 'correct horse battery')).status, 200);
    // The success cleared the tally: five fresh failures cost nothing again.
    for (let i = 0; i < 5; i++) assert.equal((await passwordGrant(t, 'victim', 'nope')).status, 400);
    assert.equal((await passwordGrant(t, 'victim', 'correct horse battery')).status, 200);
  });

  const warned = (code: string) => t.logs.map((line) => JSON.parse(line)).filter((line) => line.level === 40 && line.code === code);

  test('the first 429 of each block is logged once, with the account and the limit, never the username', async () => {
    const before = warned('login_throttled_username').length;
    for (let i = 0; i < 6; i++) assert.equal((await passwordGrant(t, 'target_user', `hunter2-${i}`)).status, 400);
    for (let i = 0; i < 3; i++) assert.equal((await passwordGrant(t, 'target_user', 'hunter2')).body.code, 'login_throttled_username');
    let lines = warned('login_throttled_username').slice(before);
    assert.equal(lines.length, 1, 'three 429s in one block, one line');
    const { account, freeFailures, lockFailures, retryAfterSeconds, ip } = lines[0];
    assert.deepEqual({ account, freeFailures, lockFailures, retryAfterSeconds, ip }, { account: 'test', freeFailures: 5, lockFailures: 20, retryAfterSeconds: 1, ip: undefined });

    // The block ends; the next failure blocks for 2 s, and that block's first 429 is logged too.
    t.clock.advance(1_000);
    assert.equal((await passwordGrant(t, 'target_user', 'hunter2')).status, 400);
    for (let i = 0; i < 2; i++) assert.equal((await passwordGrant(t, 'target_user', 'hunter2')).status, 429);
    lines = warned('login_throttled_username').slice(before);
    assert.deepEqual(lines.map((line) => line.retryAfterSeconds), [1, 2]);
    assert.ok(!t.logs.some((line) => line.includes('target_user') || line.includes('hunter2')), 'no username or password in any log line');
    t.clock.advance(2_000);
  });

  test('enough failures lock the username for the lock time', async () => {
    await t.setAccountSettings({ loginThrottle: { ...defaultAccountSettings.loginThrottle, freeFailures: 1, maxBackoffSeconds: 1, lockFailures: 4, lockSeconds: 600 } });
    for (let i = 0; i < 4; i++) {
      await passwordGrant(t, 'other', 'wrong');
      t.clock.advance(1_000);
    }
    const locked = await passwordGrant(t, 'other', 'another good one');
    assert.equal(locked.status, 429);
    assert.equal(locked.body.code, 'login_throttled_username');
    assert.ok(Number(locked.headers.get('retry-after')) > 590);
    t.clock.advance(600_000);
    assert.equal((await passwordGrant(t, 'other', 'another good one')).status, 200);
  });

  test('unknown usernames count too, and one IP trying many usernames is stopped (credential stuffing)', async () => {
    // Past the remembering time of the earlier tests' failures from this same IP.
    t.clock.advance(901_000);
    await t.setAccountSettings({ loginThrottle: { ...defaultAccountSettings.loginThrottle, ipFreeFailures: 3, ipLockFailures: 100 } });
    for (let i = 0; i < 4; i++) {
      const res = await passwordGrant(t, `nobody-${i}`, 'guess');
      assert.equal(res.body.error_description, 'Username is invalid.');
    }
    const before = warned('login_throttled_ip').length;
    const res = await passwordGrant(t, 'nobody-else', 'guess');
    assert.equal(res.status, 429);
    assert.equal(res.body.code, 'login_throttled_ip');
    assert.equal((await passwordGrant(t, 'nobody-at-all', 'guess')).body.code, 'login_throttled_ip');
    // The IP is what was limited, and what an operator would block: it is in the line.
    const lines = warned('login_throttled_ip').slice(before);
    assert.equal(lines.length, 1);
    assert.deepEqual([lines[0].account, lines[0].ip, lines[0].freeFailures], ['test', '127.0.0.1', 3]);
    t.clock.advance(1_000);
    await t.setAccountSettings({ loginThrottle: { ...defaultAccountSettings.loginThrottle } });
  });
});

describe('login throttling is shared by instances through Redis', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-throttle-'));
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    const redisUrl = process.env.OPENMESHY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    // Two servers on one store and one Redis: a failure counted by one blocks on the other.
    a = await startTestServer({ dataDir: data, redisUrl });
    b = await startTestServer({ dataDir: data, redisUrl });
    b.clock.set(a.clock.now());
    await passwordUser(a, 'shared_victim', 'right password here');
  });
  after(async () => {
    await a.close();
    await b.close();
    fs.rmSync(data, { recursive: true, force: true });
  });

  test('failures on one instance throttle the username on the other', async () => {
    for (let i = 0; i < 6; i++) await passwordGrant(i % 2 ? a : b, 'shared_victim', 'wrong');
    const res = await passwordGrant(b, 'shared_victim', 'right password here');
    assert.equal(res.status, 429);
    assert.equal(res.body.code, 'login_throttled_username');
    assert.equal((await get(`${a.url}/healthz`)).status, 200);
  });
});

describe('behind a proxy (--trust-proxy on) the client IP comes from X-Forwarded-For', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ flags: { '--trust-proxy': 'on' } });
    await t.setAccountSettings({ loginThrottle: { ...defaultAccountSettings.loginThrottle, ipFreeFailures: 2 } });
  });
  after(() => t.close());

  const guessFrom = (ip: string, username: string) =>
    fetch(`${t.base}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
      body: new URLSearchParams({ client_id: t.publicKey, grant_type: 'password', username, password: 'guess' }),
    });

  test('one forwarded address is throttled across usernames; another is not', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await guessFrom('203.0.113.7', `nobody-${i}`)).status, 400);
    const refused = await guessFrom('203.0.113.7', 'nobody-else');
    assert.equal(refused.status, 429);
    assert.equal(((await refused.json()) as { code: string }).code, 'login_throttled_ip');
    assert.equal((await guessFrom('203.0.113.8', 'nobody-else')).status, 400);
  });
});
