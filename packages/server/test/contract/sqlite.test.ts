import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runStoreContract } from './store-contract.js';

runStoreContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-contract-'));
  return { store: SqliteStore.open(dir), cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
});
