import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.js';
import { supportedScopes } from '../oauth/scopes.js';
import { grants } from '../oauth/grants/index.js';

/** OpenID Connect discovery (RFC 8414 fields) and the JWKS, per account. */
export async function discoveryRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/.well-known/openid-configuration', async (request, reply) => {
    const issuer = ctx.oauth.issuerFor(request.account);
    reply.header('cache-control', 'public, max-age=300');
    return {
      issuer,
      token_endpoint: `${issuer}/connect/token`,
      revocation_endpoint: `${issuer}/connect/revocation`,
      introspection_endpoint: `${issuer}/connect/introspect`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      userinfo_endpoint: `${issuer}/users/me`,
      grant_types_supported: [...grants.keys()],
      response_types_supported: ['token'],
      scopes_supported: supportedScopes,
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      introspection_endpoint_auth_methods_supported: ['none'],
      id_token_signing_alg_values_supported: [ctx.oauth.keys.signingKey().alg],
      subject_types_supported: ['public'],
      claims_supported: ['sub', 'id', 'given_name', 'family_name', 'role', 'permission'],
    };
  });

  app.get('/.well-known/jwks.json', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return { keys: ctx.oauth.keys.publicJwks() };
  });
}
