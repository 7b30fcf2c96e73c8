import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { sendOAuthError } from '../http/errors.js';
import { registerFormParser } from '../http/form-parser.js';
import type { AppContext } from '../http/context.js';
import { introspectToken } from '../oauth/introspection.js';
import { revokeToken } from '../oauth/revocation.js';
import { tokenResponseJson, type FormParams } from '../oauth/token-context.js';
import { requestToken } from '../oauth/token-endpoint.js';

/** The connect/ endpoints speak OAuth: form bodies in, RFC 6749 error bodies out. */
export async function connectRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.setErrorHandler(sendOAuthError);
  // Forms are parsed here only: the rest of the API takes JSON.
  registerFormParser(app);

  app.post('/connect/token', async (request, reply) => {
    const response = await requestToken(ctx.oauth, request.account, formParams(request), request.ip);
    return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').type('application/json; charset=utf-8').send(tokenResponseJson(response));
  });

  app.post('/connect/revocation', async (request, reply) => {
    await revokeToken(ctx.oauth, request.account, formParams(request));
    return reply.header('cache-control', 'no-store').send({});
  });

  app.post('/connect/introspect', async (request, reply) => {
    const result = await introspectToken(ctx.oauth, request.account, formParams(request));
    return reply.header('cache-control', 'no-store').send(result);
  });
}

function formParams(request: FastifyRequest): FormParams {
  const type = request.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new ApiError('unsupported_media_type', { reason: 'Content type must be application/x-www-form-urlencoded.' });
  }
  return (request.body ?? {}) as FormParams;
}
