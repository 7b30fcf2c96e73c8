import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrations as pgMigrations } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { usernameKey } from '../../src/lib/usernames.js';
import { migrate, migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.js';
import { SQLITE_FILE, SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createTestDatabase } from '../helpers/postgres.js';

/**
 * Migrations 5 (meshes), 6 (outbox, security stamps) and 7 (projections) were written on parallel
 * branches, so a database may have taken 6 and 7 before 5. The runner applies whatever a
 * database lacks, not only what is newer than its newest: stood in for here by opening a database
 * with 5 held back, then with every migration.
 */
function without5<T extends { version: number }>(list: T[], run: () => Promise<void>): Promise<void> {
  const index = list.findIndex((m) => m.version === 5);
  const [held] = list.splice(index, 1);
  return run().finally(() => list.splice(index, 0, held!));
}

test('sqlite: a database migrated past 5 without it applies 5 when it arrives', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-gap-'));
  try {
    // The runner alone: the store's ports prepare statements over every table at open.
    await without5(sqliteMigrations, async () => {
      const db = new Database(path.join(dir, SQLITE_FILE));
      // As SqliteConnection.open registers it, for the migration that fills name keys.
      db.function('openmeshy_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? usernameKey(text) : text));
      migrate(db);
      db.close();
    });
    await SqliteStore.open(dir).close();
    const db = new Database(path.join(dir, SQLITE_FILE), { readonly: true });
    const versions = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
    assert.deepEqual(versions, sqliteMigrations.map((m) => m.version));
    assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'mesh_documents'").get());
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('postgres: a database migrated past 5 without it applies 5 when it arrives', async () => {
  const database = await createTestDatabase();
  try {
    await without5(pgMigrations, async () => {
      await (await PostgresStore.open(database.url, 2)).close();
    });
    await (await PostgresStore.open(database.url, 2)).close();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const versions = (await client.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
    assert.deepEqual(versions, pgMigrations.map((m) => m.version));
    assert.equal((await client.query("SELECT to_regclass('mesh_documents') AS t")).rows[0].t, 'mesh_documents');
    await client.end();
  } finally {
    await database.drop();
  }
});
