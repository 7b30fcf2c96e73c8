import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from '../../src/store/sqlite/migrations.js';
import { SQLITE_FILE, SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runNameKeysMigrationContract, runRolesMigrationContract, type VersionOneDatabase } from './migration-contract.js';
import { runStoreContract } from './store-contract.js';
import { runRecoveryContract } from './recovery-contract.js';

function tempDir(): { dir: string; cleanup(): Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-contract-'));
  return { dir, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

runStoreContract('sqlite', async () => {
  const { dir, cleanup } = tempDir();
  return { store: SqliteStore.open(dir), cleanup };
});

runRecoveryContract('sqlite', async () => {
  const { dir, cleanup } = tempDir();
  return { store: SqliteStore.open(dir), cleanup };
});

const versionOneDatabase = async (): Promise<VersionOneDatabase & { cleanup(): Promise<void> }> => {
  const { dir, cleanup } = tempDir();
  const db = new Database(path.join(dir, SQLITE_FILE));
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const first = migrations[0]!;
  if (!('sql' in first)) throw new Error('migration 1 is SQL text');
  db.exec(first.sql);
  db.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(migrations[0]!.name);
  return {
    exec: async (sql) => {
      // SQLite keeps booleans as 0/1, as the version-1 store wrote them.
      db.exec(sql.replaceAll('false', '0').replaceAll('true', '1'));
    },
    openMigrated: async () => {
      db.close();
      return SqliteStore.open(dir);
    },
    cleanup,
  };
};

runRolesMigrationContract('sqlite', versionOneDatabase);
runNameKeysMigrationContract('sqlite', versionOneDatabase);
