import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, startServe } from '../helpers/cli.js';
import { postJson } from '../helpers/http.js';
import { TestMailServer, waitFor } from '../helpers/mail.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { TEST_SECRET } from '../helpers/server.js';

test('two instances on one PostgreSQL, both delivering: each message goes out exactly once', async () => {
  const database = await createTestDatabase();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-outbox-cluster-'));
  const mail = new TestMailServer();
  await mail.start();
  const env = {
    DATABASE_URL: database.url,
    OPENMESHY_SECRET: TEST_SECRET,
    OPENMESHY_PUBLIC_URL: 'https://api.cluster.test',
    OPENMESHY_DATA: data,
    LOG_LEVEL: 'warn',
    SMTP_URL: mail.url,
    // Both loops look often, so they contend for the same rows.
    OPENMESHY_OUTBOX_POLL_MS: '10',
  };
  assert.equal(runCli(['account', 'create', 'cluster'], env).status, 0);
  assert.equal(runCli(['account', 'set', 'cluster', '--recovery', 'email'], env).status, 0);
  const servers = [startServe(['--port', '0'], env), startServe(['--port', '0'], env)];
  try {
    const urls = await Promise.all(servers.map(async (s) => (await s.ready).url));
    // A few registrations at a time, alternating instances: each hashes a password (argon2id), and
    // the machine running the suite is shared; the loops contend for the rows whatever the pace.
    const count = 24;
    const statuses: number[] = [];
    for (let batch = 0; batch < count; batch += 4) {
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, j) => batch + j).map((i) =>
          postJson(`${urls[i % 2]}/cluster/users/register`, { username: `member${i}`, newPassword: 'first-password', emailAddress: `member${i}@test.com` }),
        ),
      );
      statuses.push(...results.map((r) => r.status));
    }
    assert.deepEqual(statuses, Array(count).fill(201));
    await waitFor(() => (mail.mails.length >= count ? true : undefined), 30_000, `${count} mails`);
    // A few more rounds of both loops: a duplicate would show up now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const recipients = mail.mails.flatMap((m) => m.to).sort();
    assert.deepEqual(recipients, Array.from({ length: count }, (_, i) => `member${i}@test.com`).sort());
  } finally {
    for (const server of servers) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await mail.stop();
    await database.drop();
    fs.rmSync(data, { recursive: true, force: true });
  }
});
