import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors.js';
import { sendOAuthError } from '../../http/errors.js';
import { registerFormParser } from '../../http/form-parser.js';
import { access } from '../../http/access.js';
import { introspectToken } from './introspection.js';
import { oauthSchemas } from './schemas.js';
import { revokeToken } from './revocation.js';
import { tokenResponseJson, type FormParams, type OAuthDeps } from './token-context.js';
import { requestToken } from './token-endpoint.js';

/** The connect/ endpoints speak OAuth: form bodies in, RFC 6749 error bodies out. */
export async function connectRoutes(app: FastifyInstance, deps: { oauth: OAuthDeps }): Promise<void> {
  app.setErrorHandler(sendOAuthError);
  // Forms are parsed here only: the rest of the API takes JSON.
  registerFormParser(app);

  app.post('/connect/token', { schema: oauthSchemas.token, config: { access: access.public } }, async (request, reply) => {
    const response = await requestToken(deps.oauth, request.account, formParams(request), request.ip);
    return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').type('application/json; charset=utf-8').send(tokenResponseJson(response));
  });

  app.post('/connect/revocation', { schema: oauthSchemas.revocation, config: { access: access.public } }, async (request, reply) => {
    await revokeToken(deps.oauth, request.account, formParams(request));
    return reply.header('cache-control', 'no-store').send({});
  });

  app.post('/connect/introspect', { schema: oauthSchemas.introspection, config: { access: access.public } }, async (request, reply) => {
    const result = await introspectToken(deps.oauth, request.account, formParams(request));
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
