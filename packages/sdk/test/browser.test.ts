import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Outcome, PageApp } from './browser/page-app.js';
import { launchChromium } from './browser/chromium.js';
import { startPageServer } from './browser/page-server.js';
import { isActive, loggedRequests, requestsTo, startTestServer, tokenRequests, type TestServer } from './helpers/server.js';

const HOUR = 3600_000;
let t: TestServer;
let pages: Awaited<ReturnType<typeof startPageServer>>;
let browser: Awaited<ReturnType<typeof launchChromium>>;

before(async () => {
  t = await startTestServer();
  pages = await startPageServer();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await pages?.close();
  await t?.close();
});

/** Calls one of the page's functions (see browser/page-app.ts) in a tab. */
function call<K extends keyof PageApp>(page: Page, name: K, ...args: Parameters<PageApp[K]>): Promise<Awaited<ReturnType<PageApp[K]>>> {
  return page.evaluate(
    ([fn, fnArgs]) => (globalThis as unknown as { app: Record<string, (...a: unknown[]) => unknown> }).app[fn]!(...fnArgs),
    [name, args] as [string, unknown[]],
  ) as Promise<Awaited<ReturnType<PageApp[K]>>>;
}

function value<T>(outcome: Outcome<T>): T {
  assert.ok(outcome.ok, `expected success, got ${JSON.stringify(outcome)}`);
  return outcome.value;
}

async function openTab(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${pages.origin}/`);
  await page.waitForFunction(() => document.title === 'ready');
  await call(page, 'init', { accountName: t.account, publicKey: t.publicKey, baseUrl: t.url });
  return page;
}

test('in Chromium: refused without CORS; with it, login, refresh shared by two tabs, and signout', async () => {
  const tab = await openTab();

  // The account allows no other origin yet: the browser refuses to hand over the response.
  const refused = await call(tab, 'checkUserExist', 'anyone');
  assert.ok(!refused.ok);
  assert.equal(refused.code, 'network_error');
  assert.equal(refused.statusCode, 0);

  await t.setAccountSettings({ corsOrigins: [pages.origin] });
  assert.deepEqual(value(await call(tab, 'checkUserExist', 'anyone')), { exists: false });

  // Register and log in; the session goes to localStorage, the browser default.
  const user = value(await call(tab, 'registerAnonymousUser'));
  const currentUser = value(await call(tab, 'loginAnonymously', user.username));
  assert.equal(currentUser?.id, user.id);
  assert.equal(await call(tab, 'currentConnectionIsOurs'), true);
  assert.deepEqual(value(await call(tab, 'getSelf')), [user.username]);
  assert.equal((await call(tab, 'sessionKeys')).length, 1);
  const firstRefreshToken = value(await call(tab, 'retrieveRefreshToken'));

  // A second tab picks the session up from localStorage.
  const secondTab = await openTab();
  assert.equal(value(await call(secondTab, 'restoreConnection'))?.id, user.id);
  assert.equal(await call(secondTab, 'hasWebLocks'), true);

  // An hour on, both tabs call at once: one refresh request in all (the Web Lock plus storage).
  t.clock.advance(HOUR);
  await call(tab, 'advanceClock', HOUR);
  await call(secondTab, 'advanceClock', HOUR);
  const tokensBefore = tokenRequests(t);
  const selfBefore = requestsTo(t, 'GET', `/${t.account}/users/me`);
  const [fromFirst, fromSecond] = await Promise.all([call(tab, 'getSelf', 10), call(secondTab, 'getSelf', 10)]);
  assert.deepEqual(value(fromFirst), Array(10).fill(user.username));
  assert.deepEqual(value(fromSecond), Array(10).fill(user.username));
  assert.equal(await loggedRequests(t, 'GET', `/${t.account}/users/me`, selfBefore + 20), selfBefore + 20);
  assert.equal(tokenRequests(t) - tokensBefore, 1);

  const rotated = value(await call(tab, 'retrieveRefreshToken'));
  assert.notEqual(rotated, firstRefreshToken);
  assert.equal(value(await call(secondTab, 'retrieveRefreshToken')), rotated);
  assert.equal(await isActive(t, firstRefreshToken), false);

  // Signing out in one tab revokes at the server and ends the session in both.
  value(await call(tab, 'signout'));
  assert.equal(await isActive(t, rotated), false);
  assert.deepEqual(await call(tab, 'sessionKeys'), []);
  const ended = await call(secondTab, 'getSelf');
  assert.ok(!ended.ok);
  assert.equal(ended.code, 'session_ended');
  assert.equal(ended.sessionEnded, true);
});
