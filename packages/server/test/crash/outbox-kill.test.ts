import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runCli, startServe } from '../helpers/cli.js';
import { postJson } from '../helpers/http.js';
import { codeIn, TestMailServer, waitFor } from '../helpers/mail.js';

const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-outbox-crash-'));
after(() => fs.rmSync(data, { recursive: true, force: true }));

test('SIGKILL after a registration committed and before its e-mail went out: delivered after the restart, once', async () => {
  const mail = new TestMailServer();
  await mail.start();
  // The first process has no SMTP: its message is committed with the user and cannot leave before
  // the kill (with SMTP down instead, a kill in the middle of a send would hold the message for its
  // one-minute claim, which is what a claim is for, and a longer test).
  const env = { OPENMESHY_DATA: data, LOG_LEVEL: 'warn', OPENMESHY_OUTBOX_POLL_MS: '50' };
  const created = runCli(['account', 'create', 'crash', '--json'], env);
  assert.equal(created.status, 0, created.stderr);
  assert.equal(runCli(['account', 'set', 'crash', '--recovery', 'email'], env).status, 0);

  const first = startServe(['--port', '0'], env);
  const { url } = await first.ready;
  const registered = await postJson(`${url}/crash/users/register`, { username: 'survivor', newPassword: 'first-password', emailAddress: 'survivor@test.com' });
  assert.equal(registered.status, 201);
  first.child.kill('SIGKILL');
  await first.exited;

  const withSmtp = { ...env, SMTP_URL: mail.url };
  const second = startServe(['--port', '0'], withSmtp);
  try {
    const { url: again } = await second.ready;
    const [received] = await mail.mailsTo('survivor@test.com');
    const code = codeIn(received!.raw.split(/\r?\n\r?\n/).slice(1).join('\n'));
    assert.equal((await postJson(`${again}/crash/users/verify`, { ...registered.body, verificationCode: code })).status, 204);
    // Once: the outbox says delivered, and nothing more arrives while the loop keeps polling.
    await waitFor(() => {
      const listed = runCli(['outbox', 'list', 'crash', '--json'], withSmtp);
      const [message] = JSON.parse(listed.stdout) as { deliveredAt: string | null }[];
      return message?.deliveredAt ? message : undefined;
    }, 15_000, 'the message marked delivered');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(mail.mails.length, 1);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
    await mail.stop();
  }
});
