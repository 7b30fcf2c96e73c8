import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { browserFetch, startOrigin, type BrowserAnswer, type BrowserRequest } from '../helpers/browser.js';
import { launchChromium } from '../helpers/chromium.js';
import { request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CuttableProxy } from '../helpers/tcp-proxy.js';

/**
 * Issue 11, point 6: every answer under /{account}, errors included, carries the account's CORS
 * headers for an origin it allows (and only for one), so a web app can read the reason instead of
 * seeing fetch fail. Tested from headless Chromium, where a missing header makes fetch throw.
 */

let browser: Awaited<ReturnType<typeof launchChromium>>;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

async function openPage(origin: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  return page;
}

function readable(answer: BrowserAnswer, label: string): { status: number; body: any; retryAfter: string | null } {
  assert.ok(!('failed' in answer), `${label}: the page could not read the answer (${'failed' in answer ? answer.failed : ''})`);
  return answer;
}

const json = { 'content-type': 'application/json' };

/** Requests that fail under the account `test`, each with the status and code it must answer. */
function failingRequests(base: string): [label: string, url: string, init: BrowserRequest, status: number, code: string][] {
  const register = `${base}/users/register/anonymous`;
  return [
    ['an unknown route', `${base}/nothing/here`, {}, 404, 'route_not_found'],
    ['the account path alone', base, {}, 404, 'route_not_found'],
    // PATCH: DELETE /users/me is DELETE /users/{id} with the id "me".
    ['a method the route does not have (preflighted)', `${base}/users/me`, { method: 'PATCH' }, 404, 'route_not_found'],
    ['a URL that cannot be decoded', `${base}/users/%ff/exists`, {}, 400, 'url_malformed'],
    ['an over-long path segment', `${base}/users/${'a'.repeat(600)}/exists`, {}, 414, 'path_too_long'],
    ['an over-large body', register, { method: 'POST', headers: json, usernameLength: 2 * 1024 * 1024 }, 413, 'body_too_large'],
    ['a form where JSON is expected (a simple request)', register, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=x' }, 415, 'unsupported_media_type'],
    ['an XML body (preflighted)', register, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<user/>' }, 415, 'unsupported_media_type'],
    ['JSON where connect/ takes a form', `${base}/connect/token`, { method: 'POST', headers: json, body: '{}' }, 415, 'unsupported_media_type'],
    ['malformed JSON', register, { method: 'POST', headers: json, body: '{"username": ' }, 400, 'body_malformed'],
    ['no bearer token', `${base}/users/me`, {}, 401, 'unauthorized'],
  ];
}

describe('in Chromium: a web app reads every error under /{account} from an origin the account allows', () => {
  let t: TestServer;
  let allowed: Awaited<ReturnType<typeof startOrigin>>;
  let other: Awaited<ReturnType<typeof startOrigin>>;
  let app: Page;
  let stranger: Page;
  before(async () => {
    t = await startTestServer();
    allowed = await startOrigin();
    other = await startOrigin();
    await t.setAccountSettings({ corsOrigins: [allowed.origin] });
    app = await openPage(allowed.origin);
    stranger = await openPage(other.origin);
  });
  after(async () => {
    await app?.close();
    await stranger?.close();
    await allowed?.close();
    await other?.close();
    await t?.close();
  });

  test('each failing request: the page reads its status and JSON reason', async () => {
    for (const [label, url, init, status, code] of failingRequests(t.base)) {
      const answer = readable(await browserFetch(app, url, init), label);
      assert.equal(answer.status, status, `${label}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, code, label);
    }
  });

  test('an origin the account does not allow reads none of them', async () => {
    for (const [label, url, init] of failingRequests(t.base)) {
      const answer = await browserFetch(stranger, url, init);
      assert.ok('failed' in answer, `${label}: another origin read ${JSON.stringify(answer)}`);
    }
  });

  test('an unknown account has no allow-list: no origin reads its 404', async () => {
    for (const page of [app, stranger]) {
      const answer = await browserFetch(page, `${t.url}/no-such-account/users/x/exists`);
      assert.ok('failed' in answer, JSON.stringify(answer));
    }
    // Without a browser's CORS check, the reason is there.
    const direct = await request(`${t.url}/no-such-account/users/x/exists`, { headers: { origin: allowed.origin } });
    assert.equal(direct.status, 404);
    assert.equal(direct.body.code, 'account_not_found');
    assert.equal(direct.headers.get('access-control-allow-origin'), null);
  });

  test('over the API limit: the page reads the 429 and its Retry-After, on a known route and an unknown one', async () => {
    await t.setAccountSettings({ apiRequestLimit: 2, apiLimitWindowSeconds: 60 });
    try {
      for (let i = 0; i < 2; i++) readable(await browserFetch(app, `${t.base}/users/x/exists`), `call ${i}`);
      for (const url of [`${t.base}/users/x/exists`, `${t.base}/nothing/here`]) {
        const answer = readable(await browserFetch(app, url), url);
        assert.equal(answer.status, 429);
        assert.equal(answer.body.code, 'api_limit_exceeded');
        assert.match(answer.retryAfter ?? '', /^\d+$/);
      }
      assert.ok('failed' in (await browserFetch(stranger, `${t.base}/nothing/here`)));
    } finally {
      await t.setAccountSettings({ apiRequestLimit: null });
    }
  });
});

describe('in Chromium: while PostgreSQL is away, the 503 is readable too', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: CuttableProxy;
  let t: TestServer;
  let allowed: Awaited<ReturnType<typeof startOrigin>>;
  let app: Page;
  before(async () => {
    database = await createTestDatabase();
    const direct = new URL(database.url);
    proxy = new CuttableProxy(Number(direct.port || 5432), direct.hostname);
    await proxy.open();
    direct.port = String(proxy.port);
    t = await startTestServer({ databaseUrl: direct.toString() });
    allowed = await startOrigin();
    await t.setAccountSettings({ corsOrigins: [allowed.origin] });
    app = await openPage(allowed.origin);
  });
  after(async () => {
    await app?.close();
    await allowed?.close();
    await t?.close();
    await proxy?.close();
    await database?.drop();
  });

  test('from a route, and from the account lookup itself once the cached account has expired', async () => {
    const exists = `${t.base}/users/x/exists`;
    assert.deepEqual(readable(await browserFetch(app, exists), 'before the outage').body, { exists: false });
    await proxy.cut();

    // The account is still cached: the route's own query fails.
    const fromRoute = readable(await browserFetch(app, exists), 'from the route');
    assert.equal(fromRoute.status, 503);
    assert.equal(fromRoute.body.code, 'store_unavailable');
    assert.equal(fromRoute.retryAfter, '1');

    // Past the directory's cache: looking the account up fails, before its allow-list is known;
    // the one it had last is used.
    t.clock.advance(2_001);
    for (const url of [exists, `${t.base}/nothing/here`]) {
      const fromLookup = readable(await browserFetch(app, url), `from the lookup: ${url}`);
      assert.equal(fromLookup.status, 503);
      assert.equal(fromLookup.body.code, 'store_unavailable');
      assert.equal(fromLookup.retryAfter, '1');
    }
    // Refused before routing, while the account cannot be looked up either.
    const tooLong = readable(await browserFetch(app, `${t.base}/users/${'a'.repeat(600)}/exists`), 'over-long path');
    assert.equal(tooLong.status, 414);
    await proxy.open();
  });
});

describe('headers: the answers a browser cannot easily provoke', () => {
  const origin = 'http://app.example';
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await t.setAccountSettings({ corsOrigins: [origin] });
  });
  after(() => t?.close());

  test('each failing request carries the headers for the allowed origin, and none for another', async () => {
    for (const [label, url, init, status, code] of failingRequests(t.base)) {
      const body = init.usernameLength === undefined ? init.body : JSON.stringify({ username: 'x'.repeat(init.usernameLength) });
      for (const [from, expected] of [
        [origin, origin],
        ['http://evil.example', null],
      ] as const) {
        const res = await request(url, { method: init.method, headers: { ...init.headers, origin: from }, body });
        assert.equal(res.status, status, label);
        assert.equal(res.body.code, code, label);
        assert.equal(res.headers.get('access-control-allow-origin'), expected, `${label} from ${from}`);
        assert.equal(res.headers.get('vary'), 'Origin', label);
      }
    }
  });

  test('a request that arrives while the server shuts down: 503 with a reason and the account CORS headers', async () => {
    const closing = await startTestServer();
    await closing.setAccountSettings({ corsOrigins: [origin] });
    const port = Number(new URL(closing.url).port);
    const serverSockets: net.Socket[] = [];
    closing.server.app.server.on('connection', (socket: net.Socket) => serverSockets.push(socket));

    // Requests whose heads are half sent: their connections are not idle, so shutting down
    // waits for them, and they are routed only once the server is closing.
    const heads = [
      { path: '/test/users/x/exists', origin, expected: origin },
      { path: '/test/users/x/exists', origin: 'http://evil.example', expected: undefined },
      { path: '/test/nothing/here', origin, expected: origin },
    ];
    const clients = heads.map((head) => {
      const socket = net.connect(port, '127.0.0.1');
      const firstPart = `GET ${head.path} HTTP/1.1\r\nHost: x\r\nOrigin: ${head.origin}\r\n`;
      socket.write(firstPart);
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      const answer = new Promise<string>((resolve, reject) => {
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      return { socket, head, sent: firstPart.length, answer };
    });
    // Until the server has read every half-sent head.
    const sent = clients.reduce((sum, client) => sum + client.sent, 0);
    while (serverSockets.reduce((sum, socket) => sum + socket.bytesRead, 0) < sent) await nextTurn();

    const closed = closing.close();
    // The listener closes after the server has started closing.
    while (closing.server.app.server.listening) await nextTurn();
    for (const client of clients) client.socket.write('\r\n');

    for (const client of clients) {
      const text = await client.answer;
      const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
      assert.match(head, /^HTTP\/1\.1 503 /, text);
      assert.deepEqual(JSON.parse(body), { statusCode: 503, code: 'shutting_down', message: 'Server is shutting down.' });
      assert.match(head, /\r\nx-content-type-options: nosniff\r\n/i);
      assert.match(head, /\r\nconnection: close\r\n/i);
      const allowOrigin = /\r\naccess-control-allow-origin: ([^\r]*)/i.exec(head)?.[1];
      assert.equal(allowOrigin, client.head.expected, `${client.head.path} from ${client.head.origin}`);
    }
    await closed;
  });
});
