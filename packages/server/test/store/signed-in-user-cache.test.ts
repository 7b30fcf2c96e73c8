import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.js';
import { newObjectId } from '../../src/lib/ids.js';
import { SignedInUserCache } from '../../src/modules/users/signed-in-user-cache.js';
import type { UserStore } from '../../src/modules/users/store.js';
import type { User } from '../../src/modules/users/types.js';
import { forgettingStore } from '../../src/modules/users/user-cache-invalidation.js';
import { createAccount } from '../../src/modules/accounts/accounts.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/** The cache over a real SQLite store, counting the reads that reach it. */
describe('SignedInUserCache over SQLite', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-user-cache-'));
  let store: SqliteStore;
  let accountId: string;
  let reads = 0;
  const counted: Pick<UserStore, 'findById'> = {
    findById: (account, id) => {
      reads++;
      return store.users.findById(account, id);
    },
  };
  const newUser = async (username: string): Promise<User> => {
    const user: User = {
      id: newObjectId(),
      accountId,
      username,
      firstName: null,
      lastName: null,
      verified: true,
      isActive: true,
      phoneNumber: null,
      emailAddress: null,
      roles: [],
      securityQuestions: [],
      anonymous: false,
      passwordHash: null,
      createdAt: 0,
      lastAccessed: null,
      securityStamp: 'stamp',
    };
    await store.users.create(user);
    return user;
  };

  before(async () => {
    store = SqliteStore.open(dir);
    accountId = (await createAccount(store, 'cache', Date.UTC(2026, 0, 1))).account.id;
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('concurrent lookups of one user share one read, kept for 2 s of the clock', async () => {
    const user = await newUser('concurrent');
    const clock = new ManualClock(0);
    const cache = new SignedInUserCache(counted, clock);
    reads = 0;
    const found = await Promise.all(Array.from({ length: 20 }, () => cache.findById(accountId, user.id)));
    assert.equal(reads, 1);
    assert.ok(found.every((u) => u?.id === user.id));
    clock.advance(1_999);
    await cache.findById(accountId, user.id);
    assert.equal(reads, 1);
    clock.advance(1);
    await cache.findById(accountId, user.id);
    assert.equal(reads, 2);
  });

  test('bounded: past the most entries it starts over', async () => {
    const cache = new SignedInUserCache(counted, new ManualClock(0), 3);
    const ids = [newObjectId(), newObjectId(), newObjectId(), newObjectId()];
    reads = 0;
    for (const id of ids.slice(0, 3)) assert.equal(await cache.findById(accountId, id), undefined);
    for (const id of ids.slice(0, 3)) await cache.findById(accountId, id);
    assert.equal(reads, 3, 'three fit: read once each (no such users are cached too)');
    await cache.findById(accountId, ids[3]!);
    await cache.findById(accountId, ids[0]!);
    assert.equal(reads, 5, 'the fourth emptied the cache');
  });

  test('a write through the forgetting store drops its user, even while a read is in flight; a role write drops the account', async () => {
    const user = await newUser('written');
    const other = await newUser('bystander');
    const cache = new SignedInUserCache(counted, new ManualClock(0));
    const app = forgettingStore(store, cache);
    reads = 0;
    const inFlight = cache.findById(accountId, user.id);
    await app.users.setActive(accountId, user.id, false);
    assert.equal((await inFlight)?.id, user.id);
    assert.equal((await cache.findById(accountId, user.id))?.isActive, false);
    assert.equal(reads, 2);

    await cache.findById(accountId, other.id);
    await app.users.touch(accountId, user.id, 1);
    await cache.findById(accountId, other.id);
    assert.equal(reads, 3, "a write to one user keeps the others' entries");

    const role = { id: newObjectId(), accountId, name: 'Cached', description: null, createdAt: 0 };
    await app.roles.create(role);
    await app.roles.addMembers(accountId, role.id, [other.id], 0);
    const member = await cache.findById(accountId, other.id);
    assert.deepEqual(member?.roles.map((r) => r.name), ['Cached']);
    assert.equal(reads, 4);
    // Reads through the wrapped ports forget nothing; the rest of the store is the store's.
    await app.roles.accountGrants(accountId);
    await app.users.findByUsername(accountId, 'bystander');
    await cache.findById(accountId, other.id);
    assert.equal(reads, 4);
    await app.ping();
    assert.equal((await app.accounts.findByName('cache'))?.id, accountId);
  });
});
