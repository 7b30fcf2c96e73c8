import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MeshyClient, MeshyError, SdkErrorCodes, fileStorage, memoryStorage, type StorageAdapter } from '../src/node.js';
import { anonymousLogin, clientFor, startTestServer, tokenRequests, type TestServer } from './helpers/server.js';

const HOUR = 3600_000;
let t: TestServer;
let dir: string;
before(async () => {
  t = await startTestServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-sdk-'));
});
after(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('file storage (Node)', () => {
  test('a session survives a restart: a new client on the same file carries on', async () => {
    const file = path.join(dir, 'session.json');
    const { user } = await anonymousLogin(clientFor(t, { storage: fileStorage(file) }));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the file holds tokens: owner only');

    // "Restart": nothing is shared with the first client but the file.
    const restarted = clientFor(t, { storage: fileStorage(file) });
    const connection = await restarted.restoreConnection();
    assert.ok(connection);
    assert.equal(MeshyClient.currentConnection, connection);
    assert.equal(connection.currentUser?.id, user.id);
    assert.equal((await connection.usersService.getSelf()).username, user.username);

    // Refreshes are written back, so the next run starts from the newest refresh token.
    t.clock.advance(HOUR);
    await connection.usersService.getSelf();
    const again = await clientFor(t, { storage: fileStorage(file) }).restoreConnection();
    assert.equal(again?.retrieveRefreshToken(), connection.retrieveRefreshToken());

    await connection.signout();
    assert.equal(await clientFor(t, { storage: fileStorage(file) }).restoreConnection(), null);
  });

  test('several clients (servers, accounts, keys) keep their sessions side by side in one file', async () => {
    const storage = fileStorage(path.join(dir, 'shared.json'));
    const { user } = await anonymousLogin(clientFor(t, { storage }));
    const other = MeshyClient.initialize(t.account, 'another-key', { baseUrl: t.url, storage });
    assert.equal(await other.restoreConnection(), null);
    assert.equal((await clientFor(t, { storage }).restoreConnection())?.currentUser?.id, user.id);
  });

  test('a missing file is an empty storage', async () => {
    const client = clientFor(t, { storage: fileStorage(path.join(dir, 'nested', 'absent.json')) });
    assert.equal(await client.restoreConnection(), null);
  });
});

describe('sessions in a storage', () => {
  test('restoreConnection finds nothing in an empty storage', async () => {
    assert.equal(await clientFor(t).restoreConnection(), null);
  });

  test('a new login replaces the session: the old connection reports session_ended', async () => {
    const storage = memoryStorage();
    const client = clientFor(t, { storage });
    const { connection: first } = await anonymousLogin(client);
    const { user: secondUser, connection: second } = await anonymousLogin(client);

    assert.equal(MeshyClient.currentConnection, second);
    assert.equal(first.currentUser, null);
    await assert.rejects(first.usersService.getSelf(), (e: unknown) => e instanceof MeshyError && e.code === SdkErrorCodes.sessionEnded);
    assert.equal((await second.usersService.getSelf()).id, secondUser.id);
  });

  test('a storage with asynchronous methods (AsyncStorage-like) works the same', async () => {
    const items = new Map<string, string>();
    const asyncStorage: StorageAdapter = {
      getItem: async (key) => items.get(key) ?? null,
      setItem: async (key, value) => void items.set(key, value),
      removeItem: async (key) => void items.delete(key),
    };
    const { user, connection } = await anonymousLogin(clientFor(t, { storage: asyncStorage }));
    const tokensBefore = tokenRequests(t);
    t.clock.advance(HOUR);
    await Promise.all(Array.from({ length: 10 }, () => connection.usersService.getSelf()));
    assert.equal(tokenRequests(t) - tokensBefore, 1);
    assert.equal(connection.currentUser?.id, user.id);
    const stored = JSON.parse([...items.values()][0]!) as { refreshToken: string };
    assert.equal(connection.retrieveRefreshToken(), stored.refreshToken);
  });

  test('a corrupt stored session is ignored', async () => {
    const broken: StorageAdapter = { getItem: () => '{not json', setItem: () => {}, removeItem: () => {} };
    assert.equal(await clientFor(t, { storage: broken }).restoreConnection(), null);
  });
});
