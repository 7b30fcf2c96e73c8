import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { runPushdownDifferential } from './projection-pushdown.js';

runPushdownDifferential('postgres', async () => {
  const database = await createTestDatabase();
  const store = await PostgresStore.open(database.url, 10);
  return {
    meshes: store.meshes,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
});
