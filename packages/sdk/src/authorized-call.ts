import { MeshyError } from './errors.js';
import { send, type ApiRequest, type Transport } from './http.js';
import type { Session } from './session.js';

/** Sends a request on behalf of the logged-in user; what services are built on. */
export type AuthorizedCall = <T>(request: Omit<ApiRequest, 'accessToken'>) => Promise<T>;

export function authorizedCall(session: Session, transport: Transport): AuthorizedCall {
  return async <T>(request: Omit<ApiRequest, 'accessToken'>): Promise<T> => {
    const token = await session.accessToken();
    try {
      return await send<T>(transport, { ...request, accessToken: token });
    } catch (error) {
      if (!(error instanceof MeshyError) || error.statusCode !== 401) throw error;
      // Refused although our clock says the token is good (clock skew, a retired signing key):
      // refresh once and try again. A second 401 is the answer.
      const fresh = await session.refresh(token);
      return send<T>(transport, { ...request, accessToken: fresh.accessToken });
    }
  };
}
