import { send, type Transport } from './http.js';
import type { TokenResponse } from './types.js';

/** What MeshyDB's SDK asks for: API access and a refresh token. */
export const DEFAULT_SCOPE = 'meshy.api offline_access';

/** Anonymous users log in with this fixed password (MeshyDB's convention). */
export const ANONYMOUS_PASSWORD = 'nopassword';

/** POST connect/token, grant_type=password (authorization/generating_token.rst). */
export function passwordGrant(
  transport: Transport,
  publicKey: string,
  username: string,
  password: string,
  scope = DEFAULT_SCOPE,
): Promise<TokenResponse> {
  return send<TokenResponse>(transport, {
    method: 'POST',
    path: 'connect/token',
    form: { client_id: publicKey, grant_type: 'password', username, password, scope },
  });
}

/** POST connect/token, grant_type=refresh_token (authorization/refreshing_token.rst). Spends `refreshToken`. */
export function refreshGrant(transport: Transport, publicKey: string, refreshToken: string): Promise<TokenResponse> {
  return send<TokenResponse>(transport, {
    method: 'POST',
    path: 'connect/token',
    form: { client_id: publicKey, grant_type: 'refresh_token', refresh_token: refreshToken },
  });
}

/** POST connect/revocation (users/logging_out.rst): ends the refresh token's whole family. */
export async function revokeRefreshToken(transport: Transport, publicKey: string, refreshToken: string): Promise<void> {
  await send<unknown>(transport, {
    method: 'POST',
    path: 'connect/revocation',
    form: { token: refreshToken, token_type_hint: 'refresh_token', client_id: publicKey },
  });
}
