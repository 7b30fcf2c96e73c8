import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MeshyClient, MeshyError, Reasons, SdkErrorCodes, memoryStorage } from '../src/index.js';
import { anonymousLogin, clientFor, isActive, startTestServer, uniqueName, type TestServer } from './helpers/server.js';
import { meshyError } from './helpers/meshy-error.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

describe('MeshyClient.initialize', () => {
  test('needs an account name and a public key', () => {
    assert.throws(() => MeshyClient.initialize('', 'key'), TypeError);
    assert.throws(() => MeshyClient.initialize('test', ''), TypeError);
  });

  test('defaults to the server of `npm start`', () => {
    const client = MeshyClient.initialize('demo', 'key', { storage: memoryStorage() });
    assert.equal(client.baseUrl, 'http://127.0.0.1:8080');
  });
});

describe('registration', () => {
  test('checkUserExist tells whether a username is taken', async () => {
    const client = clientFor(t);
    const username = uniqueName();
    assert.deepEqual(await client.checkUserExist(username), { exists: false });
    await client.registerAnonymousUser(username);
    assert.deepEqual(await client.checkUserExist(username), { exists: true });
  });

  test('the getting-started example registers an anonymous user only when the name is free', async () => {
    const client = clientFor(t);
    var username = uniqueName('mctesterton');
    var userExists = await client.checkUserExist(username);
    if (!userExists.exists) {
      const user = await client.registerAnonymousUser(username);
      assert.equal(user.username, username);
      assert.equal(user.anonymous, true);
      assert.equal(user.isActive, true);
      assert.deepEqual(user.roles, []);
    }
    assert.equal((await client.checkUserExist(username)).exists, true);
  });

  test('registerAnonymousUser without a name gets one from the server', async () => {
    const user = await clientFor(t).registerAnonymousUser();
    assert.ok(user.username.length > 0);
    assert.equal(user.anonymous, true);
  });

  test('a taken username is a MeshyError with the documented reason', async () => {
    const client = clientFor(t);
    const username = uniqueName();
    await client.registerAnonymousUser(username);
    const error = await meshyError(client.registerAnonymousUser(username));
    assert.equal(error.statusCode, 400);
    assert.equal(error.reason, Reasons.usernameTaken);
    assert.equal(error.message, 'Username must be unique.');
    assert.equal(error.code, 'username_taken');
    assert.equal(error.error, undefined);
  });

  test('registerUser resolves to nothing when the user can log in at once', async () => {
    const client = clientFor(t);
    const username = uniqueName();
    assert.equal(await client.registerUser({ username, newPassword: 'pa55word!', firstName: 'Tester', lastName: 'McTesterton' }), undefined);
    const connection = await client.login(username, 'pa55word!');
    const self = await connection.usersService.getSelf();
    assert.equal(self.firstName, 'Tester');
    assert.equal(self.lastName, 'McTesterton');
  });

  test('registerUser resolves to the verification request when the account verifies by e-mail', async () => {
    await t.setAccountSettings({ recovery: 'email' });
    try {
      const username = uniqueName();
      const request = await clientFor(t).registerUser({ username, newPassword: 'pa55word!', emailAddress: 'tester@example.com' });
      assert.ok(request);
      assert.equal(request.username, username);
      assert.equal(request.attempt, 1);
      assert.equal(typeof request.hash, 'string');
      assert.equal(request.hint, 't***@example.com');
      const missing = await meshyError(clientFor(t).registerUser({ username: uniqueName(), newPassword: 'pa55word!' }));
      assert.equal(missing.reason, 'Email address is required when Email recovery is enabled.');
    } finally {
      await t.setAccountSettings({ recovery: 'none' });
    }
  });
});

describe('login', () => {
  test('loginAnonymously gives a connection whose user is the one registered', async () => {
    const client = clientFor(t);
    const { user, connection } = await anonymousLogin(client);
    assert.equal(MeshyClient.currentConnection, connection);
    const self = await connection.usersService.getSelf();
    assert.equal(self.id, user.id);
    assert.equal(self.username, user.username);
    assert.equal(self.anonymous, true);
  });

  test('currentUser comes from the access token', async () => {
    const client = clientFor(t);
    const { user, connection } = await anonymousLogin(client);
    assert.deepEqual(connection.currentUser, {
      id: user.id,
      username: user.username,
      firstName: undefined,
      lastName: undefined,
      roles: [],
      // No role, so only the account's default permissions (a new account's: meshes:crud, projections:r).
      permissions: ['meshes:create', 'meshes:delete', 'meshes:read', 'meshes:update', 'projections:read'],
      scopes: ['meshy.api', 'offline_access'],
    });
  });

  test('currentUser reads names outside ASCII from the token', async () => {
    const client = clientFor(t);
    const username = uniqueName();
    await client.registerUser({ username, newPassword: 'pa55word!', firstName: 'Zoë', lastName: '山田' });
    const connection = await client.login(username, 'pa55word!');
    assert.equal(connection.currentUser?.firstName, 'Zoë');
    assert.equal(connection.currentUser?.lastName, '山田');
    assert.equal(connection.currentUser?.username, username);
  });

  test('a wrong password is a typed error with the RFC 6749 code and the documented reason', async () => {
    const client = clientFor(t);
    const username = uniqueName();
    await client.registerUser({ username, newPassword: 'right-password' });
    const error = await meshyError(client.login(username, 'wrong-password'));
    assert.equal(error.statusCode, 400);
    assert.equal(error.error, 'invalid_grant');
    assert.equal(error.reason, Reasons.passwordInvalid);
    assert.equal(error.code, 'password_invalid');
    assert.equal(error.sessionEnded, false);
  });

  test('an unknown username is "Username is invalid."', async () => {
    const error = await meshyError(clientFor(t).login(uniqueName('nobody'), 'whatever'));
    assert.equal(error.reason, Reasons.usernameInvalid);
  });

  test('an unknown public key is "Client id is invalid."', async () => {
    const client = MeshyClient.initialize(t.account, 'not-a-client', { baseUrl: t.url, storage: memoryStorage() });
    const user = await client.registerAnonymousUser();
    const error = await meshyError(client.loginAnonymously(user.username));
    assert.equal(error.error, 'invalid_client');
    assert.equal(error.reason, Reasons.clientInvalid);
  });

  test('an unreachable server is a network_error with status 0', async () => {
    const client = MeshyClient.initialize('test', 'key', { baseUrl: 'http://127.0.0.1:1', storage: memoryStorage() });
    const error = await meshyError(client.checkUserExist('anyone'));
    assert.equal(error.statusCode, 0);
    assert.equal(error.code, SdkErrorCodes.networkError);
  });

  test('loginWithRefresh with a token that is not one is "Token is invalid."', async () => {
    const error = await meshyError(clientFor(t).loginWithRefresh('not-a-refresh-token'));
    assert.equal(error.statusCode, 400);
    assert.equal(error.error, 'invalid_grant');
    assert.equal(error.reason, Reasons.tokenInvalid);
  });
});

describe('signout', () => {
  test('revokes the refresh token at the server, then forgets the session', async () => {
    const storage = memoryStorage();
    const client = clientFor(t, { storage });
    const { connection } = await anonymousLogin(client);
    const refreshToken = connection.retrieveRefreshToken();

    await connection.signout();

    assert.equal(await isActive(t, refreshToken), false);
    const replay = await meshyError(clientFor(t).loginWithRefresh(refreshToken));
    assert.equal(replay.reason, Reasons.tokenInvalid);
    assert.equal(MeshyClient.currentConnection, null);
    assert.equal(connection.currentUser, null);
    assert.equal(await client.restoreConnection(), null);
    assert.throws(() => connection.retrieveRefreshToken(), (e: unknown) => e instanceof MeshyError && e.code === SdkErrorCodes.sessionEnded);
    const after = await meshyError(connection.usersService.getSelf());
    assert.equal(after.code, SdkErrorCodes.sessionEnded);
    assert.equal(after.sessionEnded, true);
    // Signing out twice is harmless.
    await connection.signout();
  });

  test('the logging-out example of the docs', async () => {
    var client = clientFor(t);
    var anonymousUser = await client.registerAnonymousUser();
    var meshyConnection = await client.loginAnonymously(anonymousUser.username);
    await meshyConnection.signout();
    assert.equal(MeshyClient.currentConnection, null);
  });
});
