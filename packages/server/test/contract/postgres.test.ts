import pg from 'pg';
import { migrations } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { runNameKeysMigrationContract, runRolesMigrationContract, type VersionOneDatabase } from './migration-contract.js';
import { runStoreContract } from './store-contract.js';
import { runRecoveryContract } from './recovery-contract.js';

runStoreContract('postgres', async () => {
  const database = await createTestDatabase();
  return { store: await PostgresStore.open(database.url, 10), cleanup: () => database.drop() };
});

runRecoveryContract('postgres', async () => {
  const database = await createTestDatabase();
  return { store: await PostgresStore.open(database.url, 10), cleanup: () => database.drop() };
});

const versionOneDatabase = async (): Promise<VersionOneDatabase & { cleanup(): Promise<void> }> => {
  const database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
  await client.query(migrations[0]!.sql);
  await client.query('INSERT INTO schema_migrations VALUES (1, $1, 0)', [migrations[0]!.name]);
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    openMigrated: async () => {
      await client.end();
      return PostgresStore.open(database.url, 2);
    },
    cleanup: () => database.drop(),
  };
};

runRolesMigrationContract('postgres', versionOneDatabase);
runNameKeysMigrationContract('postgres', versionOneDatabase);
