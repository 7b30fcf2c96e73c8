import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeAccount, makeClient, makeFamily } from '../contract/store-contract.js';

describe('SQLite rotations', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-rotations-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a rotation asked for just before the store closes is committed, not lost', async () => {
    const store = SqliteStore.open(dir);
    const account = makeAccount('rotations');
    const client = makeClient(account.id);
    await store.accounts.create(account, client);
    const family = makeFamily(account.id, client.publicKey, 'u1');
    await store.refreshFamilies.create(family);
    const outcome = store.refreshFamilies.advance(family.id, 0, 5000);
    await store.close();
    assert.equal(await outcome, true);

    const reopened = SqliteStore.open(dir);
    try {
      const stored = (await reopened.refreshFamilies.find(family.id))!;
      assert.equal(stored.generation, 1);
      assert.equal(stored.rotatedAt, 5000);
    } finally {
      await reopened.close();
    }
  });
});
