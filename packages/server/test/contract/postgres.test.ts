import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { runStoreContract } from './store-contract.js';

runStoreContract('postgres', async () => {
  const database = await createTestDatabase();
  return { store: await PostgresStore.open(database.url, 10), cleanup: () => database.drop() };
});
