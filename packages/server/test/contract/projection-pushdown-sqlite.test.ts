import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runPushdownDifferential } from './projection-pushdown.js';

runPushdownDifferential('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-pushdown-'));
  const store = SqliteStore.open(dir);
  return {
    meshes: store.meshes,
    close: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
