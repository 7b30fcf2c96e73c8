import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runProjectionContract } from './projection-contract.js';

runProjectionContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-projections-'));
  const store = SqliteStore.open(dir);
  return {
    store,
    close: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
