import type { ConnectionScript, RequestShape } from './load.js';

const JSON_TYPE = 'application/json';

/**
 * Each connection's headers: a bearer token of its own user for OpenMeshy (tokens[i mod n]),
 * none for the reference.
 */
export type Credentials = string[] | 'none';

function headersOf(credentials: Credentials, connection: number, json: boolean): Record<string, string> {
  const headers: Record<string, string> = json ? { 'content-type': JSON_TYPE } : {};
  if (credentials !== 'none') headers.authorization = `Bearer ${credentials[connection % credentials.length]!}`;
  return headers;
}

/** The same JSON body POSTed again and again (a create, a batch of creates). */
export function jsonPosts(path: string, body: string, credentials: Credentials): ConnectionScript<{ headers: Record<string, string> }> {
  return {
    start: (connection) => ({ headers: headersOf(credentials, connection, true) }),
    request: (state) => ({ method: 'POST', path, headers: state.headers, body }),
  };
}

interface RotatingState {
  headers: Record<string, string>;
  next: number;
}

/**
 * GETs (or other requests) that walk through `count` variants, each connection from its own
 * starting point, so that the 50 connections ask for different documents or values at any time.
 * `requestFor(k)` builds the request for variant k.
 */
export function rotating(count: number, credentials: Credentials, requestFor: (k: number, headers: Record<string, string>) => RequestShape, json = false): ConnectionScript<RotatingState> {
  // A prime stride walks every variant in an order unrelated to insertion (unless it divides count).
  const stride = count % 7919 === 0 ? 1 : 7919;
  return {
    start: (connection) => ({ headers: headersOf(credentials, connection, json), next: (connection * Math.max(1, Math.floor(count / 50))) % count }),
    request(state) {
      const k = state.next;
      state.next = (state.next + stride) % count;
      return requestFor(k, state.headers);
    },
  };
}

/** GET of a search's query string: filter, orderBy, page and pageSize as the docs' REST tab sends them. */
export function searchPath(base: string, filter: string, orderBy?: string, pageSize = 25): string {
  const query = new URLSearchParams({ filter, page: '1', pageSize: String(pageSize) });
  if (orderBy !== undefined) query.set('orderBy', orderBy);
  return `${base}?${query.toString()}`;
}
