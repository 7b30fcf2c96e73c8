import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { get, postJson, request } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

describe('HTTP: bad input gets a 4xx JSON reason, never a 500', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('unknown account: 404 with a clear body', async () => {
    const res = await get(`${t.url}/no-such-account/users/bob/exists`);
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { statusCode: 404, code: 'account_not_found', message: 'Account "no-such-account" not found.' });
  });

  test('unknown route: 404 JSON', async () => {
    const res = await get(`${t.base}/nothing/here`);
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 'route_not_found');
  });

  test('malformed JSON: 400 JSON', async () => {
    const res = await postJson(`${t.base}/users/register/anonymous`, '{"username": ');
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'body_malformed');
    assert.equal(res.body.message, 'Request body is malformed.');
  });

  test('an unsupported content type: 415 JSON', async () => {
    const res = await request(`${t.base}/users/register/anonymous`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<user/>',
    });
    assert.equal(res.status, 415);
    assert.equal(res.body.code, 'unsupported_media_type');
  });

  test('a form where JSON is expected: 415 JSON', async () => {
    const res = await request(`${t.base}/users/register/anonymous`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=x',
    });
    assert.equal(res.status, 415);
    assert.equal(res.body.code, 'unsupported_media_type');
  });

  test('an over-large body: 413 JSON', async () => {
    const res = await postJson(`${t.base}/users/register/anonymous`, { username: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal(res.status, 413);
    assert.equal(res.body.code, 'body_too_large');
  });

  test('an over-long username: 400 with a reason', async () => {
    const res = await postJson(`${t.base}/users/register/anonymous`, { username: 'x'.repeat(129) });
    assert.equal(res.status, 400);
    assert.equal(res.body.message, 'Username must be at most 128 characters.');
  });

  test('NUL and control characters in a username are refused', async () => {
    const res = await postJson(`${t.base}/users/register/anonymous`, { username: 'a\u0000b' });
    assert.equal(res.status, 400);
  });

  test('requests Fastify refuses before routing get the same JSON shape and headers', async () => {
    const raw = async (request: string) => {
      const socket = net.connect(Number(new URL(t.url).port), '127.0.0.1');
      socket.write(request);
      let text = '';
      for await (const chunk of socket) text += chunk;
      return text;
    };
    const cases: [string, string, string][] = [
      ['GET /test/users/%ff/exists HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '400', 'url_malformed'],
      [`GET /test/users/${'a'.repeat(600)}/exists HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, '414', 'path_too_long'],
      ['GARBAGE\r\n\r\n', '400', 'request_malformed'],
      [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, '431', 'headers_too_large'],
      ['GET / HTTP/1.1\r\nConnection: close\r\n\r\n', '404', 'route_not_found'],
      // The first segment names the account, on unknown routes too.
      ['GET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n', '404', 'account_not_found'],
      ['POST /test/users/register HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\n{}', '417', 'request_malformed'],
      ['CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n', '405', 'method_not_allowed'],
    ];
    for (const [request, status, code] of cases) {
      const answer = await raw(request);
      assert.match(answer, new RegExp(`^HTTP/1.1 ${status} `), answer);
      assert.match(answer, /x-content-type-options: nosniff/i);
      assert.equal(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).code, code);
    }
  });

  test('every answer carries nosniff', async () => {
    const res = await get(`${t.url}/healthz`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });
});

describe('users/me (users/retrieving_self.rst)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('with a valid bearer token: 200 and the user', async () => {
    const session = await login(t, 'me_user');
    const res = await get(`${t.base}/users/me`, { authorization: `Bearer ${session.access_token}` });
    assert.equal(res.status, 200);
    assert.equal(res.body.username, 'me_user');
    assert.equal(res.body.anonymous, true);
  });

  test('without or with a bad token: 401 "User is not authorized to make call."', async () => {
    for (const headers of [{}, { authorization: 'Bearer nonsense' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const res = await get(`${t.base}/users/me`, headers);
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { statusCode: 401, code: 'unauthorized', message: 'User is not authorized to make call.' });
    }
  });
});

describe('operations: health, readiness, CORS', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('/healthz and /readyz', async () => {
    assert.deepEqual((await get(`${t.url}/healthz`)).body, { status: 'ok' });
    assert.deepEqual((await get(`${t.url}/readyz`)).body, {
      status: 'ready',
      store: 'sqlite',
      storeReachable: true,
      limits: 'memory',
      limitsReachable: true,
    });
  });

  test('CORS: allowed origins get headers and a preflight answer; others do not', async () => {
    await t.setAccountSettings({ corsOrigins: ['http://app.example'] });
    const preflight = await request(`${t.base}/connect/token`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://app.example');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const denied = await get(`${t.base}/users/x/exists`, { origin: 'http://evil.example' });
    assert.equal(denied.status, 200);
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
    const allowed = await get(`${t.base}/users/me`, { origin: 'http://app.example' });
    assert.equal(allowed.status, 401);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://app.example');
  });
});
