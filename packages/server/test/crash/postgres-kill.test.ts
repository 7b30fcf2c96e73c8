import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ADMIN_URL, createTestDatabase } from '../helpers/postgres.js';
import { TEST_PUBLIC_URL, TEST_SECRET } from '../helpers/server.js';
import { killDuringRefreshes, prepareAccount, restartAndCheckChains } from './refresh-chains.js';

/**
 * Waits until no backend serves `databaseUrl`'s database any more. A statement the killed process
 * had already sent still runs to completion (PostgreSQL only notices that its client is gone when
 * it replies), so a rotation can commit a moment after the kill: the checks start once every
 * backend of the dead process has finished and gone.
 */
async function untilNoBackends(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    for (let waited = 0; ; waited += 50) {
      const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (rows[0].n === 0) return;
      assert.ok(waited < 30_000, `backends of the killed server still busy after 30 s: ${rows[0].n}`);
      await sleep(50);
    }
  } finally {
    await admin.end();
  }
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-crash-pg-'));
before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
  fs.rmSync(data, { recursive: true, force: true });
});

test('SIGKILL during a refresh storm on PostgreSQL: after a restart no received token is lost and no spent one works', async (t) => {
  const env = { DATABASE_URL: database.url, OPENMESHY_SECRET: TEST_SECRET, OPENMESHY_PUBLIC_URL: TEST_PUBLIC_URL, OPENMESHY_DATA: data, LOG_LEVEL: 'warn' };
  const clientId = prepareAccount(env);
  // The killed process's connections die with it; PostgreSQL rolls back whatever they had open
  // and finishes whatever single statement it was running.
  const chains = await killDuringRefreshes(env, clientId, (message) => t.diagnostic(message));
  await untilNoBackends(database.url);

  await restartAndCheckChains(env, clientId, chains, (message) => t.diagnostic(message));
});
