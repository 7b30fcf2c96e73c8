import { startTestServer, type TestServer } from 'openmeshy/dist/test/helpers/server.js';
import { MeshyClient, memoryStorage, type MeshyClientOptions } from '../../src/index.js';

export { startTestServer, type TestServer };

/**
 * A client of the test server whose clock is the server's ManualClock: moving `t.clock` moves
 * token expiry for both sides. Each call gets its own memory storage unless one is passed.
 */
export function clientFor(t: TestServer, options: MeshyClientOptions = {}): MeshyClient {
  return MeshyClient.initialize(t.account, t.publicKey, {
    baseUrl: t.url,
    storage: memoryStorage(),
    now: () => t.clock.now(),
    retryDelayMs: 1,
    ...options,
  });
}

/** The server logs one JSON line per request; counts those with this method and path. */
export function requestsTo(t: TestServer, method: string, path: string): number {
  return t.logs.filter((line) => {
    const entry = JSON.parse(line) as { msg?: string; method?: string; path?: string };
    return entry.msg === 'request' && entry.method === method && entry.path === path;
  }).length;
}

/** POST connect/token requests (password and refresh grants) the server has logged so far. */
export function tokenRequests(t: TestServer): number {
  return requestsTo(t, 'POST', `/${t.account}/connect/token`);
}

/** Asks the server whether a token is still good (RFC 7662), as a resource server would. */
export async function isActive(t: TestServer, token: string): Promise<boolean> {
  const response = await fetch(`${t.base}/connect/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: t.publicKey, token }).toString(),
  });
  const body = (await response.json()) as { active: boolean };
  return body.active;
}

let counter = 0;
/** A username no other test uses. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Registers an anonymous user through the SDK and logs them in. */
export async function anonymousLogin(client: MeshyClient) {
  const user = await client.registerAnonymousUser(uniqueName('anon'));
  const connection = await client.loginAnonymously(user.username);
  return { user, connection };
}

/**
 * Waits until the server has logged at least `count` requests of this kind. The server logs a
 * request when its response has finished, which can be a moment after the client has read it.
 */
export async function loggedRequests(t: TestServer, method: string, path: string, count: number): Promise<number> {
  const deadline = Date.now() + 5_000;
  while (requestsTo(t, method, path) < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return requestsTo(t, method, path);
}

/** A fetch that reports each refresh grant it sends, for counting on the SDK's side too. */
export function countingFetch(onRefresh: () => void): typeof fetch {
  return async (input, init) => {
    if (typeof init?.body === 'string' && new URLSearchParams(init.body).get('grant_type') === 'refresh_token') onRefresh();
    return fetch(input, init);
  };
}
