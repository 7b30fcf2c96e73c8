import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrations as pgMigrations } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.js';
import { SQLITE_FILE, SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createTestDatabase } from '../helpers/postgres.js';

/**
 * Migration 6 (outbox, security stamps) lands before 5 (meshes, on another branch). A database
 * migrated to 6 without 5 must take 5 when it arrives: the runner applies what a database lacks,
 * not only what is newer than its newest. Stood in for here by a probe migration numbered 5.
 */
const probe = { version: 5, name: 'gap probe', sql: 'CREATE TABLE gap_probe (x INTEGER)' };

/** Once the real 5 is merged there is no gap to stand in for: the reopen then only checks every migration is applied. */
function withProbe<T extends { version: number }>(list: T[], run: () => Promise<void>): Promise<void> {
  if (list.some((m) => m.version === 5)) return run();
  list.splice(list.findIndex((m) => m.version > 5), 0, probe as unknown as T);
  return run().finally(() => list.splice(list.indexOf(probe as unknown as T), 1));
}

test('sqlite: a database at 6 without 5 applies 5 when it arrives', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-gap-'));
  try {
    await SqliteStore.open(dir).close();
    await withProbe(sqliteMigrations, async () => {
      await SqliteStore.open(dir).close();
    });
    const db = new Database(path.join(dir, SQLITE_FILE), { readonly: true });
    const versions = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
    assert.deepEqual(versions, [1, 2, 3, 4, 5, 6]);
    if (sqliteMigrations.every((m) => m.version !== 5)) assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'gap_probe'").get());
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('postgres: a database at 6 without 5 applies 5 when it arrives', async () => {
  const database = await createTestDatabase();
  try {
    await (await PostgresStore.open(database.url, 2)).close();
    await withProbe(pgMigrations, async () => {
      await (await PostgresStore.open(database.url, 2)).close();
    });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const versions = (await client.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
    assert.deepEqual(versions, [1, 2, 3, 4, 5, 6]);
    if (pgMigrations.every((m) => m.version !== 5)) assert.equal((await client.query("SELECT to_regclass('gap_probe') AS t")).rows[0].t, 'gap_probe');
    await client.end();
  } finally {
    await database.drop();
  }
});
