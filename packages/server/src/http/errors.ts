import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, isApiError } from '../errors.js';
import { StoreUnavailable } from '../store/errors.js';

/** Turns anything thrown while serving a request into our one error type. */
export function toApiError(error: unknown, request: FastifyRequest): ApiError {
  if (isApiError(error)) return error;
  if (error instanceof StoreUnavailable) {
    request.log.warn({ err: error }, 'store unavailable');
    return new ApiError('store_unavailable', { headers: { 'retry-after': '1' } });
  }
  const status = (error as FastifyError).statusCode;
  if (status === 413) return new ApiError('body_too_large');
  if (status === 415) return new ApiError('unsupported_media_type');
  if (status === 404) return new ApiError('route_not_found');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError('body_malformed', { reason: 'Request body is malformed.' });
  }
  // Internal detail goes to the log only; the client gets a generic sentence.
  request.log.error({ err: error }, 'unexpected error');
  return new ApiError('internal_error');
}

function send(reply: FastifyReply, error: ApiError, body: Record<string, unknown>): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.status).header('cache-control', 'no-store').send(body);
}

/** MeshyDB API body. */
export function sendApiError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error, request);
  return send(reply, apiError, { statusCode: apiError.status, code: apiError.code, message: apiError.reason, ...apiError.extra });
}

/** No route for the path: at the root, and in the account scope (after the account hook, so with its CORS). */
export function sendRouteNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendApiError(new ApiError('route_not_found'), request, reply);
}

/** RFC 6749 §5.2 body, plus our stable `code`. */
export function sendOAuthError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error, request);
  return send(reply, apiError, { error: apiError.oauthError, error_description: apiError.reason, code: apiError.code });
}
