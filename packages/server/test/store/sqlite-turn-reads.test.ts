import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeAccount, makeClient, makeFamily } from '../contract/store-contract.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The reads of one turn share a read transaction (turn-reads.ts); writes still commit at once. */
describe('SQLite reads shared within a turn', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-turn-reads-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function twoConnections(name: string) {
    // `server` as a server opens it; `cli` is a second connection to the same file, as the CLI is.
    const server = SqliteStore.open(dir);
    const cli = SqliteStore.open(dir);
    const account = makeAccount(name);
    const client = makeClient(account.id);
    await server.accounts.create(account, client);
    const family = makeFamily(account.id, client.publicKey, 'u1');
    await server.refreshFamilies.create(family);
    await nextTurn();
    return { server, cli, family, close: () => Promise.all([server.close(), cli.close()]) };
  }

  test('a write after a read in the same turn is committed before it returns, not at the turn end', async () => {
    const { server, cli, family, close } = await twoConnections('turn-write');
    try {
      assert.equal((await server.refreshFamilies.findWithSubject(family.id))?.family.revokedAt, null);
      await server.refreshFamilies.revoke(family.id, 'logout', 7000);
      // Still the same turn: only microtasks ran. The other connection sees the write already.
      assert.equal((await cli.refreshFamilies.find(family.id))?.revokedAt, 7000);
      assert.equal((await server.refreshFamilies.findWithSubject(family.id))?.family.revokedAt, 7000);
    } finally {
      await close();
    }
  });

  test("another connection's commit shows from the next turn; within a turn, reads see the turn's first snapshot", async () => {
    const { server, cli, family, close } = await twoConnections('turn-snapshot');
    try {
      assert.equal((await server.refreshFamilies.findWithSubject(family.id))?.family.revokedAt, null);
      await cli.refreshFamilies.revoke(family.id, 'reuse', 8000);
      assert.equal((await server.refreshFamilies.findWithSubject(family.id))?.family.revokedAt, null);
      await nextTurn();
      assert.equal((await server.refreshFamilies.findWithSubject(family.id))?.family.revokedAt, 8000);
    } finally {
      await close();
    }
  });

  test('a rotation and a write from the same turn as a read commit, and the store closes cleanly with a read open', async () => {
    const { server, cli, family, close } = await twoConnections('turn-close');
    try {
      await server.refreshFamilies.findWithSubject(family.id);
      const rotated = server.refreshFamilies.advance(family.id, 0, 9000);
      await cli.users.setActive(family.accountId, 'u1', false);
      await server.refreshFamilies.findWithSubject(family.id);
      await server.close();
      assert.equal(await rotated, true);
      assert.equal((await cli.refreshFamilies.find(family.id))?.generation, 1);
    } finally {
      await close();
    }
  });
});
