import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MeshyClient, memoryStorage } from '../src/index.js';
import { isActive, startTestServer, uniqueName, type TestServer } from './helpers/server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

// authorization/refreshing_token.rst, NodeJS tab, word for word: only initialize's options differ.
test('the refreshing-token flow of the docs works as written', async () => {
  const accountName = t.account;
  const publicKey = t.publicKey;
  const username = uniqueName('seed');
  const password = 'correct horse battery staple';
  await MeshyClient.initialize(accountName, publicKey, { baseUrl: t.url, storage: memoryStorage() }).registerUser({ username, newPassword: password });

  var client = MeshyClient.initialize(accountName, publicKey, { baseUrl: t.url, storage: memoryStorage() });

  var meshyConnection = await client.login(username, password);

  var refreshToken = meshyConnection.retrieveRefreshToken();

  var refreshedMeshyConnection = await client.loginWithRefresh(refreshToken);

  // The new connection works...
  const self = await refreshedMeshyConnection.usersService.getSelf();
  assert.equal(self.username, username);
  assert.equal(self.anonymous, false);
  assert.equal(MeshyClient.currentConnection, refreshedMeshyConnection);
  // ...holds a new refresh token, and the old one is spent at the server.
  const newRefreshToken = refreshedMeshyConnection.retrieveRefreshToken();
  assert.notEqual(newRefreshToken, refreshToken);
  assert.equal(await isActive(t, refreshToken), false);
  assert.equal(await isActive(t, newRefreshToken), true);
});
