import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { runProjectionContract } from './projection-contract.js';

runProjectionContract('postgres', async () => {
  const database = await createTestDatabase();
  const store = await PostgresStore.open(database.url, 10);
  return {
    store,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
});
