import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { postJson } from '../helpers/http.js';
import { codeIn } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Without a transport, a developer reads the code with the CLI; accounts word their own messages. */
describe('CLI: outbox list / show and account set --mail-template', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-outbox-cli-'));
  let t: TestServer;
  const cli = (...args: string[]) => runCli([...args, '--data', data]);

  before(async () => {
    t = await startTestServer({ dataDir: data });
  });
  after(async () => {
    await t.close();
    fs.rmSync(data, { recursive: true, force: true });
  });

  test("a registration's code is read with outbox show, worded by the account's template, and completes verify", async () => {
    const template = path.join(data, 'verify.txt');
    fs.writeFileSync(template, 'Dear {username}, use {code} on {account} before {expires}. {unknown} stays.');
    assert.equal(cli('account', 'set', 'test', '--recovery', 'email').status, 0);
    const set = cli('account', 'set', 'test', '--mail-template', 'verify', '--subject', 'Welcome to {account}', '--text-file', template, '--json');
    assert.equal(set.status, 0, set.stderr);
    assert.equal(JSON.parse(set.stdout).settings.messageTemplates.verify.subject, 'Welcome to {account}');
    t.clock.advance(2_001);

    const registered = await postJson(`${t.base}/users/register`, { username: 'cli_reader', newPassword: 'first-password', emailAddress: 'reader@test.com' });
    assert.equal(registered.status, 201);
    const list = cli('outbox', 'list', 'test', '--json');
    assert.equal(list.status, 0, list.stderr);
    const [listed] = JSON.parse(list.stdout);
    assert.equal(listed.recipient, 'reader@test.com');
    assert.equal(listed.status, 'waiting');
    assert.equal(listed.subject, 'Welcome to test');
    assert.equal('body' in listed, false, 'the list shows no codes');

    const shown = cli('outbox', 'show', listed.id);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /^to: reader@test\.com$/m);
    assert.match(shown.stdout, new RegExp(`Dear cli_reader, use \\d{6} on test before ${registered.body.expires.replace(/\./g, '\\.')}\\. \\{unknown\\} stays\\.`));
    const code = codeIn(shown.stdout.split('\n').slice(-2).join('\n'));
    assert.equal((await postJson(`${t.base}/users/verify`, { ...registered.body, verificationCode: code })).status, 204);
  });

  test('--default-template restores the defaults; mistakes exit 2', async () => {
    assert.equal(cli('account', 'set', 'test', '--mail-template', 'verify', '--default-template').status, 0);
    const settings = JSON.parse(cli('account', 'list', '--json').stdout).find((a: { accountName: string }) => a.accountName === 'test').settings;
    assert.equal(settings.messageTemplates.verify, undefined);
    assert.equal(cli('account', 'set', 'test', '--mail-template', 'welcome', '--subject', 'x').status, 2);
    assert.equal(cli('account', 'set', 'test', '--mail-template', 'reset').status, 2);
    assert.equal(cli('account', 'set', 'test', '--mail-template', 'reset', '--subject', 'two\nlines').status, 2);
    assert.equal(cli('outbox', 'show', 'no-such-id').status, 2);
    assert.equal(cli('outbox', 'list', 'no-such-account').status, 2);
  });
});
