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
