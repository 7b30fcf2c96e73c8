import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type ReasonCode } from '../errors.js';
import { applyCors } from './cors.js';
import type { CorsAllowLists } from './cors-allow-lists.js';
import { sendApiError } from './errors.js';
import { securityHeaderValues } from './security-headers.js';

/**
 * Errors answered before any route or hook runs (unparsable HTTP, a URL that cannot be routed)
 * get the same JSON body and headers as every other error.
 */
function errorBody(code: ReasonCode, status?: number): { status: number; body: string } {
  const error = new ApiError(code);
  const finalStatus = status ?? error.status;
  return { status: finalStatus, body: JSON.stringify({ statusCode: finalStatus, code: error.code, message: error.reason }) };
}

function errorHeaders(body: string, httpsOnly: boolean): Record<string, string> {
  return {
    ...securityHeaderValues(httpsOnly),
    'cache-control': 'no-store',
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
}

/** A whole HTTP/1.1 response, for handlers that only have the socket. */
function rawResponse(status: number, body: string, httpsOnly: boolean): string {
  const headers = Object.entries(errorHeaders(body, httpsOnly)).map(([name, value]) => `${name}: ${value}`);
  return [`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}`, ...headers, '', body].join('\r\n');
}

/** Fastify's clientErrorHandler: the request could not even be parsed. */
export function clientErrorHandler(httpsOnly: boolean) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
    const { status, body } =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? errorBody('request_timeout')
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? errorBody('headers_too_large')
          : errorBody('request_malformed');
    socket.end(rawResponse(status, body, httpsOnly));
  };
}

/**
 * Fastify's frameworkErrors: a URL that cannot be decoded (`%ff`) or a path segment longer than
 * any id or username (414). Our JSON body, never an echo of the path. No route and no hook ran, so
 * the account the path names is looked up here for its CORS headers: a web app can read these too.
 */
export function frameworkErrorHandler(httpsOnly: boolean, allowLists: CorsAllowLists) {
  const securityHeaders = securityHeaderValues(httpsOnly);
  return async (error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    applyCors(request, reply, await allowLists.forPath(request.url));
    reply.headers(securityHeaders);
    sendApiError(new ApiError(error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'path_too_long' : 'url_malformed'), request, reply);
  };
}

/**
 * Requests Node itself would answer with an empty body: an `Expect` other than 100-continue
 * (417) and the CONNECT method (connection closed). They get our JSON instead.
 */
export function answerNodeLevelRequests(server: http.Server, httpsOnly: boolean): void {
  server.on('checkExpectation', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    const { status, body } = errorBody('request_malformed', 417);
    res.writeHead(status, errorHeaders(body, httpsOnly));
    res.end(body);
  });
  server.on('connect', (_req: http.IncomingMessage, socket: Socket) => {
    const { status, body } = errorBody('method_not_allowed');
    socket.end(rawResponse(status, body, httpsOnly));
  });
}
