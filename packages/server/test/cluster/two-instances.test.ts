import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, startServe } from '../helpers/cli.js';
import { get, postForm, postJson } from '../helpers/http.js';
import { decodeJwt } from '../helpers/jwt.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { TEST_SECRET } from '../helpers/server.js';

const REDIS_URL = process.env.OPENMESHY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** What the load balancer in front of both would be reached at. */
const PUBLIC_URL = 'https://api.cluster.test';

/**
 * Two OpenMeshy processes on one PostgreSQL database and one Redis act as one server: access
 * tokens of one are good at the other, refresh rotation stays single-winner across them and the
 * API limit is counted once.
 */
describe('two instances on one PostgreSQL and one Redis', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: NodeJS.ProcessEnv;
  const servers: ReturnType<typeof startServe>[] = [];
  const urls: string[] = [];
  let graceClient: string;
  let strictClient: string;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-cluster-'));

  before(async () => {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, REDIS_URL, OPENMESHY_SECRET: TEST_SECRET, OPENMESHY_PUBLIC_URL: PUBLIC_URL, OPENMESHY_DATA: data, LOG_LEVEL: 'warn' };
    const cli = (...args: string[]) => {
      const result = runCli([...args, '--json'], env);
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout);
    };
    graceClient = cli('account', 'create', 'cluster').publicKey;
    strictClient = cli('client', 'create', 'cluster').publicKey;
    cli('client', 'set', strictClient, '--reuse-grace', '0');
    cli('account', 'set', 'cluster', '--api-limit', 'unlimited');
    cli('account', 'create', 'limited');
    cli('account', 'set', 'limited', '--api-limit', '10', '--api-window', '86400');
    for (let i = 0; i < 2; i++) {
      const server = startServe(['--port', '0'], env);
      servers.push(server);
      urls.push((await server.ready).url);
    }
  });

  after(async () => {
    for (const server of servers) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await database.drop();
    fs.rmSync(data, { recursive: true, force: true });
  });

  async function loginAt(url: string, clientId: string) {
    const username = `u_${Math.random().toString(36).slice(2)}`;
    assert.equal((await postJson(`${url}/cluster/users/register/anonymous`, { username })).status, 201);
    const res = await postForm(`${url}/cluster/connect/token`, {
      client_id: clientId,
      grant_type: 'password',
      username,
      password: 'nopassword',
      scope: 'meshy.api offline_access',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.refresh_token as string;
  }

  const refreshAt = (url: string, clientId: string, token: string) =>
    postForm(`${url}/cluster/connect/token`, { client_id: clientId, grant_type: 'refresh_token', refresh_token: token });

  test('a user registered on one instance logs in on the other', async () => {
    const token = await loginAt(urls[0]!, graceClient);
    const res = await refreshAt(urls[1]!, graceClient, token);
    assert.equal(res.status, 200);
  });

  test('an access token from one instance is good at the other: both name the public URL as issuer', async () => {
    const username = `u_${Math.random().toString(36).slice(2)}`;
    assert.equal((await postJson(`${urls[0]!}/cluster/users/register/anonymous`, { username })).status, 201);
    const login = await postForm(`${urls[0]!}/cluster/connect/token`, { client_id: graceClient, grant_type: 'password', username, password: 'nopassword' });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(decodeJwt(login.body.access_token).payload.iss, `${PUBLIC_URL}/cluster`);
    for (const url of urls) {
      const me = await get(`${url}/cluster/users/me`, { authorization: `Bearer ${login.body.access_token}` });
      assert.equal(me.status, 200, `${url}: ${JSON.stringify(me.body)}`);
      assert.equal((await get(`${url}/cluster/.well-known/openid-configuration`)).body.issuer, `${PUBLIC_URL}/cluster`);
    }
  });

  test('20 parallel refreshes across both, inside the grace window: all get the same successor', async () => {
    const token = await loginAt(urls[0]!, graceClient);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => refreshAt(urls[i % 2]!, graceClient, token)));
    assert.deepEqual(results.map((r) => r.status), Array(20).fill(200));
    const successors = new Set(results.map((r) => r.body.refresh_token));
    assert.equal(successors.size, 1);
    const next = await refreshAt(urls[1]!, graceClient, [...successors][0]);
    assert.equal(next.status, 200, 'the one successor is live');
  });

  test('20 parallel refreshes across both with no grace window: one winner, one family, revoked on reuse', async () => {
    const token = await loginAt(urls[1]!, strictClient);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => refreshAt(urls[i % 2]!, strictClient, token)));
    const winners = results.filter((r) => r.status === 200);
    assert.equal(winners.length, 1, JSON.stringify(results.map((r) => r.body.code ?? r.status)));
    for (const loser of results.filter((r) => r.status !== 200)) {
      assert.equal(loser.status, 400);
      assert.equal(loser.body.error_description, 'Token is invalid.');
      assert.match(loser.body.code, /^refresh_token_(reused|revoked)$/);
    }
    // The losers presented a spent token: reuse detection revoked the family, the winner's successor included.
    const after = await refreshAt(urls[0]!, strictClient, winners[0]!.body.refresh_token);
    assert.equal(after.status, 400);
    assert.equal(after.body.code, 'refresh_token_revoked');
  });

  test('the API limit is counted across both instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await get(`${urls[i % 2]!}/limited/users/x/exists`)).status);
    assert.equal(statuses.filter((s) => s === 200).length, 10);
    assert.equal(statuses.filter((s) => s === 429).length, 4);
    const refused = await get(`${urls[1]!}/limited/users/x/exists`);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.message, 'You have either hit your API or Database limit. Please review your account.');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
  });

  test('/readyz reports PostgreSQL and Redis', async () => {
    const res = await get(`${urls[0]!}/readyz`);
    assert.deepEqual(res.body, { status: 'ready', store: 'postgres', storeReachable: true, limits: 'redis', limitsReachable: true });
  });
});
