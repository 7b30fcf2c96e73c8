import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { killDuringRefreshes, prepareAccount, restartAndCheckChains } from './refresh-chains.js';

/** SQLite's own consistency check of the store file, opened read-only with nothing else open. */
function integrityCheck(data: string): unknown {
  const db = new Database(path.join(data, 'openmeshy.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check');
  } finally {
    db.close();
  }
}

const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-crash-'));
after(() => fs.rmSync(data, { recursive: true, force: true }));

test('SIGKILL during a refresh storm on SQLite: after a restart no received token is lost and no spent one works', async (t) => {
  const env = { OPENMESHY_DATA: data, LOG_LEVEL: 'warn' };
  const clientId = prepareAccount(env);
  const chains = await killDuringRefreshes(env, clientId, (message) => t.diagnostic(message));

  // The file as the crash left it (WAL and all) is consistent before anything repairs it.
  assert.deepEqual(integrityCheck(data), [{ integrity_check: 'ok' }]);

  await restartAndCheckChains(env, clientId, chains, (message) => t.diagnostic(message));
  assert.deepEqual(integrityCheck(data), [{ integrity_check: 'ok' }]);
});
