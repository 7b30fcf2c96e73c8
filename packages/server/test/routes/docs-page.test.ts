import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { docsPrefix, openapiJsonPath } from '../../src/http/openapi.js';
import { launchChromium } from '../helpers/chromium.js';
import { get } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The reference page in headless Chromium: it renders every operation of the document, under
 * its content security policy, from files this server serves. DOCS_SCREENSHOT=<file.png> keeps
 * the screenshot to look at; otherwise it goes to a temporary folder that is removed.
 */
let t: TestServer;
let browser: Browser;
const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-docs-'));

before(async () => {
  t = await startTestServer({ logLevel: 'warn' });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await t?.close();
  fs.rmSync(shots, { recursive: true, force: true });
});

test('GET /docs renders every operation in Chromium, loading nothing from elsewhere and breaking no policy', async () => {
  const doc = (await get<{ paths: Record<string, Record<string, unknown>> }>(`${t.url}${openapiJsonPath}`)).body;
  const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${p}`));

  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const requested: string[] = [];
  page.context().on('request', (req) => requested.push(req.url()));
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`)),
  );

  const response = await page.goto(`${t.url}${docsPrefix}`);
  assert.equal(response?.status(), 200);
  await page.locator('.opblock').nth(documented.length - 1).waitFor();

  const shown = await page.$$eval('.opblock', (blocks) =>
    blocks.map((block) => `${block.querySelector('.opblock-summary-method')?.textContent} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`),
  );
  assert.deepEqual(shown.sort(), [...documented].sort());
  // GET and PUT /users/me: the GET's summary is the one looked at.
  const getUsersMe = page.locator('#operations-default-get__account__users_me');
  assert.ok(await getUsersMe.getByText('/{account}/users/me', { exact: true }).isVisible());
  assert.ok(await page.getByText('/{account}/connect/token', { exact: true }).isVisible());

  // Open one operation: its error responses, with their reasons, render too.
  const usersMe = page.locator('.opblock.opblock-get', { has: page.locator('.opblock-summary-path[data-path="/{account}/users/me"]') });
  await usersMe.locator('.opblock-summary').click();
  const unauthorized = usersMe.locator('.response[data-code="401"]');
  await unauthorized.waitFor();
  assert.match(await unauthorized.innerText(), /unauthorized.*User is not authorized to make call\./s);

  const file = process.env.DOCS_SCREENSHOT ?? path.join(shots, 'docs.png');
  await page.screenshot({ path: file, fullPage: true });
  const png = fs.readFileSync(file);
  assert.ok(png.length > 0);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');

  const elsewhere = requested.filter((url) => !url.startsWith('data:') && new URL(url).origin !== t.url);
  assert.deepEqual(elsewhere, []);
  assert.ok(requested.includes(`${t.url}${docsPrefix}/static/swagger-ui-bundle.js`), requested.join('\n'));
  assert.deepEqual(problems, []);
  await page.close();
});
