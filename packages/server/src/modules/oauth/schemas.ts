import { Type } from 'typebox';
import { ANY_CHARACTER, oauthErrors } from '../../http/schemas.js';

/**
 * A form parameter as received: a repeated one arrives as a list, which the endpoints refuse with
 * their own sentence (RFC 6749 §3.2). So the schemas describe the parameters and check nothing the
 * grants do not: which are required, and in what order their documented reasons come, is the
 * grants' business (token-context.ts).
 */
const FormParam = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description }));
/** A password or a token: hashed or parsed, never looked up as text, so it may hold any character (http/schemas.ts). */
const SecretParam = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description, [ANY_CHARACTER]: true }));

const TokenForm = Type.Object(
  {
    client_id: FormParam("The client's public key."),
    grant_type: FormParam('`password` or `refresh_token`.'),
    username: FormParam('password grant: the username.'),
    password: SecretParam('password grant: the password (`nopassword` for anonymous users).'),
    scope: FormParam('Space-separated: `meshy.api`, `offline_access` (for a refresh token), `openid`. Omitted: `meshy.api offline_access`.'),
    refresh_token: SecretParam('refresh_token grant: the refresh token.'),
  },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);

const TokenForRevocation = Type.Object(
  {
    client_id: FormParam("The client's public key."),
    token: SecretParam('The refresh token (or access token) to revoke.'),
    token_type_hint: FormParam('`refresh_token` or `access_token`.'),
  },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);

const TokenForIntrospection = Type.Object(
  {
    client_id: FormParam("The client's public key."),
    token: SecretParam('A refresh or access token of that client.'),
    token_type_hint: FormParam('Only a hint: both kinds are tried.'),
  },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);

const TokenResponse = Type.Object({
  access_token: Type.String({ description: 'JWT (RFC 9068), signed with a key of the JWKS.' }),
  expires_in: Type.Integer(),
  token_type: Type.Literal('Bearer'),
  refresh_token: Type.Optional(Type.String({ description: 'Only when offline_access is granted; rotates on every use.' })),
  scope: Type.String(),
});

const Introspection = Type.Object(
  {
    active: Type.Boolean(),
    token_type: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    sub: Type.Optional(Type.String()),
    username: Type.Optional(Type.String()),
    iss: Type.Optional(Type.String()),
    aud: Type.Optional(Type.String()),
    iat: Type.Optional(Type.Integer()),
    exp: Type.Optional(Type.Integer()),
    jti: Type.Optional(Type.String()),
  },
  { description: 'RFC 7662: `{"active": false}` for anything not a live token of the calling client.' },
);

const formErrors = ['body_malformed', 'parameter_missing', 'parameter_duplicated', 'unsupported_media_type'] as const;

export const oauthSchemas = {
  token: {
    summary: 'Get tokens (password or refresh_token grant)',
    consumes: ['application/x-www-form-urlencoded'],
    body: TokenForm,
    response: {
      200: TokenResponse,
      ...oauthErrors(
        ...formErrors,
        'client_invalid',
        'grant_type_invalid',
        'scope_invalid',
        'username_invalid',
        'password_invalid',
        'user_inactive',
        'refresh_token_malformed',
        'refresh_token_unknown',
        'refresh_token_wrong_client',
        'refresh_token_revoked',
        'refresh_token_reused',
        'refresh_token_expired',
        'login_throttled_username',
        'login_throttled_ip',
        'busy',
      ),
    },
  },
  revocation: {
    summary: 'Revoke a refresh token (signs out its whole family)',
    consumes: ['application/x-www-form-urlencoded'],
    body: TokenForRevocation,
    response: { 200: Type.Object({}), ...oauthErrors(...formErrors, 'revocation_client_invalid', 'token_missing', 'token_type_unsupported') },
  },
  introspection: {
    summary: 'Introspect a token of the calling client',
    consumes: ['application/x-www-form-urlencoded'],
    body: TokenForIntrospection,
    response: { 200: Introspection, ...oauthErrors(...formErrors, 'client_invalid') },
  },
  discovery: {
    summary: 'OpenID Connect discovery document',
    response: { 200: Type.Object({}, { additionalProperties: true, description: 'RFC 8414 fields: issuer, token_endpoint, jwks_uri, ...' }) },
  },
  jwks: {
    summary: 'Public keys that verify access tokens',
    response: { 200: Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: Type.String() })) }) },
  },
};
