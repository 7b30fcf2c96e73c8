import { MeshyError, SdkErrorCodes, type MeshItemError } from './errors.js';

/** Where an account's API lives and how to reach it. */
export interface Transport {
  /** e.g. http://127.0.0.1:8080 (no trailing slash). */
  baseUrl: string;
  accountName: string;
  fetch: typeof fetch;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below /{accountName}/, e.g. `users/me`. */
  path: string;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/json as it is: JSON the caller has serialised already (mesh data, checked for what JSON cannot hold). */
  jsonText?: string;
  /** Sent as application/x-www-form-urlencoded (the connect/ endpoints). */
  form?: Record<string, string>;
  accessToken?: string;
}

/**
 * One HTTP exchange with the server. Resolves with the parsed JSON body (undefined for an empty
 * body) on 2xx; rejects with a MeshyError otherwise, or when no response arrives.
 */
export async function send<T>(transport: Transport, request: ApiRequest): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  } else if (request.jsonText !== undefined) {
    headers['content-type'] = 'application/json';
    body = request.jsonText;
  } else if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  }
  if (request.accessToken) headers.authorization = `Bearer ${request.accessToken}`;

  const url = `${transport.baseUrl}/${encodeURIComponent(transport.accountName)}/${request.path}`;
  let response: Response;
  let text: string;
  try {
    // Tokens must never be cached by the browser or an intermediary.
    response = await transport.fetch(url, { method: request.method, headers, body, cache: 'no-store' });
    text = await response.text();
  } catch (cause) {
    throw new MeshyError({ statusCode: 0, code: SdkErrorCodes.networkError, reason: 'The server could not be reached.', cause });
  }
  const parsed = parseJson(text);
  if (response.ok) {
    if (parsed.ok) return parsed.value as T;
    throw unexpected(response.status);
  }
  throw errorFrom(response, parsed.ok ? parsed.value : undefined);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Reads both of the server's error shapes: RFC 6749 (connect/) and MeshyDB's API body. */
function errorFrom(response: Response, body: unknown): MeshyError {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  const retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : undefined;
  if (typeof fields.error_description === 'string' && typeof fields.error === 'string') {
    return new MeshyError({
      statusCode: response.status,
      error: fields.error,
      reason: fields.error_description,
      code: typeof fields.code === 'string' ? fields.code : fields.error,
      retryAfterSeconds,
    });
  }
  if (typeof fields.message === 'string') {
    return new MeshyError({
      statusCode: response.status,
      reason: fields.message,
      code: typeof fields.code === 'string' ? fields.code : `http_${response.status}`,
      retryAfterSeconds,
      errors: itemErrors(fields.errors),
    });
  }
  return unexpected(response.status);
}

/** A refused bulk create's `errors`, the entries of the documented shape only; undefined when there are none. */
function itemErrors(value: unknown): MeshItemError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items = value.filter(
    (item): item is MeshItemError =>
      typeof item === 'object' &&
      item !== null &&
      typeof item.index === 'number' &&
      typeof item.status === 'number' &&
      typeof item.code === 'string' &&
      typeof item.message === 'string',
  );
  return items.length === 0 ? undefined : items.map(({ index, status, code, message }) => ({ index, status, code, message }));
}

function unexpected(status: number): MeshyError {
  return new MeshyError({ statusCode: status, code: SdkErrorCodes.unexpectedResponse, reason: `Unexpected response from the server (HTTP ${status}).` });
}
