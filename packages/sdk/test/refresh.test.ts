import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MeshyClient, MeshyError, Reasons, SdkErrorCodes, memoryStorage } from '../src/index.js';
import {
  anonymousLogin,
  clientFor,
  countingFetch,
  isActive,
  loggedRequests,
  requestsTo,
  startTestServer,
  tokenRequests,
  type TestServer,
} from './helpers/server.js';
import { meshyError } from './helpers/meshy-error.js';

const HOUR = 3600_000;
let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const selfPath = () => `/${t.account}/users/me`;

describe('automatic refresh', () => {
  test('refreshes shortly before the access token expires, with the rotated refresh token each time', async () => {
    const client = clientFor(t);
    const { user, connection } = await anonymousLogin(client);
    const first = connection.retrieveRefreshToken();
    const tokensBefore = tokenRequests(t);

    t.clock.advance(HOUR - 10_000); // inside the 30 s leeway: the old token still works, but not for long
    assert.equal((await connection.usersService.getSelf()).id, user.id);
    const second = connection.retrieveRefreshToken();
    assert.notEqual(second, first);
    assert.equal(await isActive(t, first), false);

    t.clock.advance(HOUR);
    assert.equal((await connection.usersService.getSelf()).id, user.id);
    const third = connection.retrieveRefreshToken();
    assert.notEqual(third, second);
    assert.equal(await isActive(t, second), false);
    assert.equal(await isActive(t, third), true);
    assert.equal(tokenRequests(t) - tokensBefore, 2);
  });

  test('a short-lived access token is refreshed in the last half of its life at the latest', async () => {
    await t.setClientSettings({ accessTokenLifetimeSeconds: 40 });
    try {
      const { connection } = await anonymousLogin(clientFor(t));
      const first = connection.retrieveRefreshToken();
      t.clock.advance(15_000); // 25 s left: more than half, so no refresh yet
      await connection.usersService.getSelf();
      assert.equal(connection.retrieveRefreshToken(), first);
      t.clock.advance(10_000); // 15 s left
      await connection.usersService.getSelf();
      assert.notEqual(connection.retrieveRefreshToken(), first);
    } finally {
      await t.setClientSettings({ accessTokenLifetimeSeconds: 3600 });
    }
  });

  test('no refresh while the access token is fresh', async () => {
    const { connection } = await anonymousLogin(clientFor(t));
    const refreshToken = connection.retrieveRefreshToken();
    const tokensBefore = tokenRequests(t);
    t.clock.advance(HOUR / 2);
    await connection.usersService.getSelf();
    assert.equal(connection.retrieveRefreshToken(), refreshToken);
    assert.equal(tokenRequests(t), tokensBefore);
  });

  test('50 concurrent calls at the moment of expiry make exactly one refresh request', async () => {
    let refreshesSent = 0;
    const client = clientFor(t, { fetch: countingFetch(() => refreshesSent++) });
    const { user, connection } = await anonymousLogin(client);
    const spent = connection.retrieveRefreshToken();
    const tokensBefore = tokenRequests(t);
    const selfBefore = requestsTo(t, 'GET', selfPath());

    t.clock.advance(HOUR);
    const users = await Promise.all(Array.from({ length: 50 }, () => connection.usersService.getSelf()));

    assert.ok(users.every((u) => u.id === user.id));
    // Counted at the server: one refresh, and 50 calls that each succeeded first time.
    assert.equal(await loggedRequests(t, 'GET', selfPath(), selfBefore + 50), selfBefore + 50);
    assert.equal(tokenRequests(t) - tokensBefore, 1);
    assert.equal(refreshesSent, 1);
    assert.equal(await isActive(t, spent), false);
    assert.equal(await isActive(t, connection.retrieveRefreshToken()), true);
  });

  test('a 401 for a token the client thought good refreshes once and retries, for 50 concurrent calls too', async () => {
    // The client's clock stands still: it believes its token is fresh.
    const frozen = t.clock.now();
    let refreshesSent = 0;
    const client = clientFor(t, { now: () => frozen, fetch: countingFetch(() => refreshesSent++) });
    const { user, connection } = await anonymousLogin(client);
    const tokensBefore = tokenRequests(t);
    const selfBefore = requestsTo(t, 'GET', selfPath());

    t.clock.advance(HOUR + 60_000); // past expiry and the server's 30 s leeway
    const users = await Promise.all(Array.from({ length: 50 }, () => connection.usersService.getSelf()));

    assert.ok(users.every((u) => u.id === user.id));
    // 50 refused, one refresh, 50 retried.
    assert.equal(await loggedRequests(t, 'GET', selfPath(), selfBefore + 100), selfBefore + 100);
    assert.equal(tokenRequests(t) - tokensBefore, 1);
    assert.equal(refreshesSent, 1);
  });

  test('two clients sharing one storage share one refresh', async () => {
    const storage = memoryStorage();
    const first = clientFor(t, { storage });
    const { connection } = await anonymousLogin(first);
    const second = clientFor(t, { storage });
    const restored = await second.restoreConnection();
    assert.ok(restored);
    const tokensBefore = tokenRequests(t);

    t.clock.advance(HOUR);
    await Promise.all([
      ...Array.from({ length: 10 }, () => connection.usersService.getSelf()),
      ...Array.from({ length: 10 }, () => restored.usersService.getSelf()),
    ]);

    assert.equal(tokenRequests(t) - tokensBefore, 1);
    assert.equal(connection.retrieveRefreshToken(), restored.retrieveRefreshToken());
  });
});

describe('changes of a session run one at a time', () => {
  test('signing out during a refresh waits for it, then revokes the rotated token: nothing is left behind', async () => {
    let refreshSent!: () => void;
    const sent = new Promise<void>((resolve) => (refreshSent = resolve));
    const client = clientFor(t, { fetch: countingFetch(() => refreshSent()) });
    const { user, connection } = await anonymousLogin(client);
    t.clock.advance(HOUR);

    const call = connection.usersService.getSelf();
    await sent; // the refresh is on its way to the server
    await connection.signout();

    assert.equal((await call).id, user.id);
    assert.equal(await client.restoreConnection(), null);
    assert.equal(MeshyClient.currentConnection, null);
  });

  test('a login during a refresh of the previous session is not overwritten by it', async () => {
    let refreshSent!: () => void;
    const sent = new Promise<void>((resolve) => (refreshSent = resolve));
    const client = clientFor(t, { fetch: countingFetch(() => refreshSent()) });
    const { connection: previous } = await anonymousLogin(client);
    const next = await client.registerAnonymousUser();
    t.clock.advance(HOUR);

    const call = previous.usersService.getSelf();
    await sent;
    await client.loginAnonymously(next.username);
    await call;

    const restored = await client.restoreConnection();
    assert.equal(restored?.currentUser?.id, next.id);
    assert.equal((await restored.usersService.getSelf()).id, next.id);
  });
});
describe('a refresh the server refuses ends the session', () => {
  test('"Refresh token is expired." surfaces as a typed error and ends the session', async () => {
    const client = clientFor(t);
    const { connection } = await anonymousLogin(client);
    t.clock.advance(16 * 24 * HOUR); // past the 15-day sliding lifetime

    const error = await meshyError(connection.usersService.getSelf());
    assert.equal(error.statusCode, 400);
    assert.equal(error.error, 'invalid_grant');
    assert.equal(error.reason, Reasons.refreshTokenExpired);
    assert.equal(error.code, 'refresh_token_expired');
    assert.equal(error.sessionEnded, true);

    assert.equal(MeshyClient.currentConnection, null);
    assert.equal(connection.currentUser, null);
    assert.equal(await client.restoreConnection(), null);
    const tokensBefore = tokenRequests(t);
    const next = await meshyError(connection.usersService.getSelf());
    assert.equal(next.code, SdkErrorCodes.sessionEnded);
    assert.equal(tokenRequests(t), tokensBefore, 'an ended session makes no more refresh requests');
  });

  test('"Token is invalid." after the family was revoked for reuse ends the session', async () => {
    const client = clientFor(t);
    const { connection } = await anonymousLogin(client);
    const stolen = connection.retrieveRefreshToken();
    t.clock.advance(HOUR);
    await connection.usersService.getSelf(); // rotates: `stolen` is spent
    t.clock.advance(60_000); // past the 10 s grace window
    // Someone replays the spent token: the server revokes the whole family.
    const replay = await meshyError(clientFor(t).loginWithRefresh(stolen));
    assert.equal(replay.reason, Reasons.tokenInvalid);

    t.clock.advance(HOUR);
    const error = await meshyError(connection.usersService.getSelf());
    assert.equal(error.reason, Reasons.tokenInvalid);
    assert.equal(error.code, 'refresh_token_revoked');
    assert.equal(error.sessionEnded, true);
    assert.equal(await client.restoreConnection(), null);
  });

  test('every call waiting on the refused refresh gets the same error', async () => {
    const { connection } = await anonymousLogin(clientFor(t));
    t.clock.advance(16 * 24 * HOUR);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => connection.usersService.getSelf()));
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      assert.equal((result.reason as MeshyError).reason, Reasons.refreshTokenExpired);
    }
  });
});

describe('network failures during a refresh', () => {
  /** A fetch that fails the next `count` refresh grants, before or after the server has answered them. */
  function flakyFetch(count: number, when: 'before-sending' | 'after-answer') {
    const attempts: string[] = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      const form = typeof init?.body === 'string' ? new URLSearchParams(init.body) : undefined;
      if (form?.get('grant_type') !== 'refresh_token') return fetch(input, init);
      attempts.push(form.get('refresh_token') ?? '');
      if (attempts.length > count) return fetch(input, init);
      if (when === 'after-answer') await fetch(input, init); // the server rotates, the answer is lost
      throw new TypeError('fetch failed');
    };
    return { fetchImpl, attempts };
  }

  test('a refresh that never reached the server is retried and succeeds', async () => {
    const { fetchImpl, attempts } = flakyFetch(1, 'before-sending');
    const { user, connection } = await anonymousLogin(clientFor(t, { fetch: fetchImpl }));
    const spent = connection.retrieveRefreshToken();
    const tokensBefore = tokenRequests(t);
    t.clock.advance(HOUR);

    assert.equal((await connection.usersService.getSelf()).id, user.id);
    assert.deepEqual(attempts, [spent, spent]);
    assert.equal(tokenRequests(t) - tokensBefore, 1);
  });

  test('a refresh whose answer was lost is retried inside the grace window and the session lives on', async () => {
    const { fetchImpl, attempts } = flakyFetch(1, 'after-answer');
    const { user, connection } = await anonymousLogin(clientFor(t, { fetch: fetchImpl }));
    const spent = connection.retrieveRefreshToken();
    t.clock.advance(HOUR);

    assert.equal((await connection.usersService.getSelf()).id, user.id);
    assert.deepEqual(attempts, [spent, spent]);
    const successor = connection.retrieveRefreshToken();
    assert.equal(await isActive(t, successor), true);

    // The family was not taken for stolen: the next refresh, well after the grace window, works.
    t.clock.advance(HOUR);
    assert.equal((await connection.usersService.getSelf()).id, user.id);
    assert.equal(attempts.at(-1), successor);
    assert.notEqual(connection.retrieveRefreshToken(), successor);
  });

  test('retries are bounded; the network error surfaces and the session is kept', async () => {
    const { fetchImpl, attempts } = flakyFetch(3, 'before-sending');
    const { user, connection } = await anonymousLogin(clientFor(t, { fetch: fetchImpl, refreshRetries: 2 }));
    t.clock.advance(HOUR);

    const error = await meshyError(connection.usersService.getSelf());
    assert.equal(error.code, SdkErrorCodes.networkError);
    assert.equal(error.statusCode, 0);
    assert.equal(error.sessionEnded, false);
    assert.equal(attempts.length, 3);

    // The network is back: the same session refreshes.
    assert.equal((await connection.usersService.getSelf()).id, user.id);
  });
});

describe('rate limits', () => {
  test('a 429 on refresh is a typed error with Retry-After and keeps the session', async () => {
    const client = clientFor(t);
    const { user, connection } = await anonymousLogin(client);
    t.clock.advance(HOUR);
    await t.setAccountSettings({ apiRequestLimit: 0, apiLimitWindowSeconds: 3600 });
    try {
      const error = await meshyError(connection.usersService.getSelf());
      assert.equal(error.statusCode, 429);
      assert.equal(error.reason, Reasons.rateLimited);
      assert.ok(error.retryAfterSeconds !== undefined && error.retryAfterSeconds > 0);
      assert.equal(error.sessionEnded, false);
    } finally {
      await t.setAccountSettings({ apiRequestLimit: null });
    }
    assert.equal((await connection.usersService.getSelf()).id, user.id);
  });
});
