import type { ConnectionScript } from './load.js';
import { FORM_HEADERS, passwordGrantForm, refreshGrantForm } from './openmeshy.js';

/**
 * A refresh-token chain per connection: connection i starts from initialTokens[i] and sends each
 * response's refresh_token in its next request, so every request spends a token never spent
 * before and a non-2xx means the chain broke. A refresh token handed out twice would mean a
 * token was spent twice (a grace-window replay answers 200 with the same successor), so the
 * script counts those too.
 */
export function refreshChains(path: string, clientId: string, initialTokens: string[]): ConnectionScript<{ token: string }> {
  const handedOut = new Set<string>();
  let rotations = 0;
  let repeated = 0;
  return {
    start(connection) {
      const token = initialTokens[connection];
      // Two connections sharing a token would fork one chain: reuse detection would break both.
      if (token === undefined) throw new Error(`no refresh token for connection ${connection}`);
      return { token };
    },
    request: (state) => ({ method: 'POST', path, headers: FORM_HEADERS, body: refreshGrantForm(clientId, state.token) }),
    onResponse(state, status, body) {
      if (status !== 200) return;
      const next = (JSON.parse(body) as { refresh_token: string }).refresh_token;
      if (handedOut.has(next)) repeated++;
      handedOut.add(next);
      rotations++;
      state.token = next;
    },
    summary: () => ({ rotations, repeatedRefreshTokens: repeated }),
  };
}

/** Password grants, connection i logging in as users[i mod n] again and again. */
export function passwordLogins(path: string, clientId: string, users: Array<{ username: string; password: string }>): ConnectionScript<{ body: string }> {
  return {
    start(connection) {
      const user = users[connection % users.length]!;
      return { body: passwordGrantForm(clientId, user.username, user.password) };
    },
    request: (state) => ({ method: 'POST', path, headers: FORM_HEADERS, body: state.body }),
  };
}

/** GET with a bearer token, connection i using accessTokens[i mod n]. */
export function bearerGets(path: string, accessTokens: string[]): ConnectionScript<{ headers: Record<string, string> }> {
  return {
    start: (connection) => ({ headers: { authorization: `Bearer ${accessTokens[connection % accessTokens.length]!}` } }),
    request: (state) => ({ method: 'GET', path, headers: state.headers }),
  };
}

/** The requests of the soak run, as its report names them. */
export type SessionRequest = 'password login' | 'anonymous login' | 'refresh' | 'users/me';

export interface SessionOptions {
  tokenPath: string;
  mePath: string;
  clientId: string;
  /** Connection i logs in as anonymousUsers[i mod n] ... */
  anonymousUsers: string[];
  /** ... or, every `passwordEvery`-th session, as passwordUsers[i mod n]. */
  passwordUsers: Array<{ username: string; password: string }>;
  passwordEvery: number;
  /** API calls after each login, alternately users/me and a refresh. */
  callsPerSession: number;
}

interface SessionState {
  connection: number;
  sessions: number;
  /** What the request in flight is. */
  pending: SessionRequest;
  refreshToken?: string;
  accessToken?: string;
  callsLeft: number;
}

/**
 * An app's sessions, one after another on each connection: a login (anonymous, or every
 * `passwordEvery`-th time with a real password), then users/me and refresh grants by turns, each
 * refresh carrying the previous response's refresh token, then the next login. Every login starts
 * a new refresh-token family. A non-2xx answer (an error, counted by the load) starts a new session.
 */
export function sessions(options: SessionOptions): ConnectionScript<SessionState> {
  const { tokenPath, mePath, clientId } = options;
  return {
    start: (connection) => ({ connection, sessions: 0, pending: 'anonymous login', callsLeft: 0 }),
    request(state) {
      if (!state.refreshToken || !state.accessToken || state.callsLeft === 0) {
        const i = state.connection;
        if ((i + state.sessions) % options.passwordEvery === 0) {
          const user = options.passwordUsers[i % options.passwordUsers.length]!;
          state.pending = 'password login';
          return { method: 'POST', path: tokenPath, headers: FORM_HEADERS, body: passwordGrantForm(clientId, user.username, user.password) };
        }
        state.pending = 'anonymous login';
        return { method: 'POST', path: tokenPath, headers: FORM_HEADERS, body: passwordGrantForm(clientId, options.anonymousUsers[i % options.anonymousUsers.length]!, 'nopassword') };
      }
      if (state.callsLeft % 2 === 0) {
        state.pending = 'users/me';
        return { method: 'GET', path: mePath, headers: { authorization: `Bearer ${state.accessToken}` } };
      }
      state.pending = 'refresh';
      return { method: 'POST', path: tokenPath, headers: FORM_HEADERS, body: refreshGrantForm(clientId, state.refreshToken) };
    },
    kind: (state) => state.pending,
    onResponse(state, status, body) {
      if (status !== 200) {
        state.refreshToken = undefined; // a new session, from a new login
        return;
      }
      if (state.pending === 'users/me') {
        state.callsLeft--;
        return;
      }
      const tokens = JSON.parse(body) as { access_token: string; refresh_token: string };
      state.accessToken = tokens.access_token;
      state.refreshToken = tokens.refresh_token;
      if (state.pending === 'refresh') state.callsLeft--;
      else {
        state.sessions++;
        state.callsLeft = options.callsPerSession;
      }
    },
  };
}
