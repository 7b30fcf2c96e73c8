import type { FastifyInstance } from 'fastify';
import { access } from '../../http/access.js';
import { supportedScopes } from './scopes.js';
import { grants } from './grants/index.js';
import { oauthSchemas } from './schemas.js';
import type { OAuthDeps } from './token-context.js';

/** OpenID Connect discovery (RFC 8414 fields) and the JWKS, per account. */
export async function discoveryRoutes(app: FastifyInstance, deps: { oauth: OAuthDeps }): Promise<void> {
  app.get('/.well-known/openid-configuration', { schema: oauthSchemas.discovery, config: { access: access.public } }, async (request, reply) => {
    const issuer = deps.oauth.issuerFor(request.account);
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
      id_token_signing_alg_values_supported: [deps.oauth.keys.signingKey().alg],
      subject_types_supported: ['public'],
      claims_supported: ['sub', 'id', 'given_name', 'family_name', 'role', 'permission'],
    };
  });

  app.get('/.well-known/jwks.json', { schema: oauthSchemas.jwks, config: { access: access.public } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return { keys: deps.oauth.keys.publicJwks() };
  });
}
