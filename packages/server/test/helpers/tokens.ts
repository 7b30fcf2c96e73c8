import type { TestServer } from './server.js';
import { postForm, postJson } from './http.js';

export const SCOPE = 'meshy.api offline_access';

/** Registers an anonymous user and returns its username. */
export async function anonymousUser(t: TestServer, username = `anon_${Math.random().toString(36).slice(2)}`): Promise<string> {
  const res = await postJson(`${t.base}/users/register/anonymous`, { username });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return username;
}

/** Registers a user with a password (public registration). */
export async function passwordUser(t: TestServer, username: string, password: string): Promise<void> {
  const res = await postJson(`${t.base}/users/register`, { username, newPassword: password });
  if (res.status !== 204) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The password grant the way MeshyDB's SDK sends it: every field, empty ones included. */
export function passwordGrant(t: TestServer, username: string, password = 'nopassword', extra: Record<string, string> = {}) {
  return postForm(`${t.base}/connect/token`, {
    client_id: t.publicKey,
    grant_type: 'password',
    username,
    password,
    scope: SCOPE,
    client_secret: '',
    refresh_token: '',
    ...extra,
  });
}

export function refreshGrant(t: TestServer, refreshToken: string, extra: Record<string, string> = {}) {
  return postForm(`${t.base}/connect/token`, {
    client_id: t.publicKey,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    username: '',
    password: '',
    ...extra,
  });
}

/** Logs in an anonymous user and returns the 200 body. */
export async function login(t: TestServer, username?: string): Promise<{ access_token: string; refresh_token: string; username: string }> {
  const name = await anonymousUser(t, username);
  const res = await passwordGrant(t, name);
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, username: name };
}
