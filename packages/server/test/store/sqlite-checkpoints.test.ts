import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { SERVING_AUTOCHECKPOINT_PAGES } from '../../src/store/sqlite/checkpointer.js';
import { SQLITE_FILE } from '../../src/store/sqlite/sqlite-store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login, refreshGrant } from '../helpers/tokens.js';

/** The highest family generation in the database file alone, read from a copy without its WAL. */
function generationInDatabaseFile(dataDir: string): number | undefined {
  const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-dbfile-'));
  try {
    fs.copyFileSync(path.join(dataDir, SQLITE_FILE), path.join(copyDir, SQLITE_FILE));
    const db = new Database(path.join(copyDir, SQLITE_FILE));
    try {
      return (db.prepare('SELECT max(generation) AS generation FROM refresh_families').get() as { generation: number | null }).generation ?? undefined;
    } finally {
      db.close();
    }
  } catch {
    return undefined; // a copy taken mid-checkpoint: the next look will do
  } finally {
    fs.rmSync(copyDir, { recursive: true, force: true });
  }
}

describe('SQLite checkpoints while serving', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ logLevel: 'warn' });
  });
  after(() => t.close());

  test('recent writes reach the database file within a second or so, long before the WAL is large', async () => {
    let refreshToken = (await login(t)).refresh_token;
    const rotations = 30;
    for (let i = 0; i < rotations; i++) {
      const res = await refreshGrant(t, refreshToken);
      assert.equal(res.status, 200);
      refreshToken = res.body.refresh_token;
    }
    // 30 small commits are far below the server connection's own checkpoint threshold: only the
    // background thread copies them into the database file.
    assert.ok(rotations < SERVING_AUTOCHECKPOINT_PAGES);
    let seen: number | undefined;
    for (let attempt = 0; attempt < 50 && seen !== rotations; attempt++) {
      await sleep(100);
      seen = generationInDatabaseFile(t.dataDir);
    }
    assert.equal(seen, rotations, 'the database file holds the latest rotation');
  });
});
