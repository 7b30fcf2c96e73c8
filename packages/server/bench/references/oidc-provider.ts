// The peer reference: node-oidc-provider's refresh_token grant, configured as close to OpenMeshy
// as it goes: rotation on every use (rotateRefreshToken: true, with its reuse detection), JWT
// access tokens signed with ES256 like OpenMeshy's default (resource indicators, accessTokenFormat 'jwt'), a public client
// (token_endpoint_auth_method none), its default in-memory adapter, no ID token (no openid scope).
// Run as a child of bench/run.js:
//   node dist/bench/references/oidc-provider.js
// Prints {"url", "clientId"} when listening. On "mint N" (a line on stdin) it mints N refresh
// tokens through the provider's own models, each from its own grant (one login each), and prints
// {"refreshTokens": [...]}. Tokens are minted right before each load, not all up front: the
// default in-memory adapter is an LRU of about 1,000 entries, so tokens minted long before their
// first use are evicted (and then fail as "grant request is invalid").
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';
import { onRunnerCommands } from './stdin.js';

const CLIENT_ID = 'bench';
const RESOURCE = 'urn:openmeshy-bench:api';
const RESOURCE_SCOPE = 'api';
const DAY = 24 * 60 * 60;

const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

const provider = new Provider('http://127.0.0.1', {
  clients: [
    {
      client_id: CLIENT_ID,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback'],
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [{ ...signingKey, alg: 'ES256', use: 'sig', kid: 'bench-es256' }] },
  findAccount: (_ctx: unknown, accountId: string) => ({ accountId, claims: () => ({ sub: accountId }) }),
  rotateRefreshToken: true,
  // The same lifetimes as OpenMeshy's defaults (and they silence the "default ttl" notices).
  ttl: { AccessToken: 3600, RefreshToken: 30 * DAY, Grant: 30 * DAY },
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: RESOURCE_SCOPE,
        audience: RESOURCE,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 3600,
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});

/** What an authorization-code login would have left behind: a grant and its refresh token. */
async function mintRefreshToken(accountId: string): Promise<string> {
  const client = await provider.Client.find(CLIENT_ID);
  const grant = new provider.Grant({ accountId, clientId: CLIENT_ID });
  grant.addOIDCScope('offline_access');
  grant.addResourceScope(RESOURCE, RESOURCE_SCOPE);
  const grantId = await grant.save();
  const refreshToken = new provider.RefreshToken({
    accountId,
    client,
    grantId,
    gty: 'authorization_code',
    scope: `offline_access ${RESOURCE_SCOPE}`,
    resource: RESOURCE,
    expiresWithSession: false,
  });
  return refreshToken.save();
}

let minted = 0;

const server = provider.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, clientId: CLIENT_ID })}\n`);
});
// Nothing to flush: end at once, even with the load generator's connections still open.
process.once('SIGTERM', () => process.exit(0));

onRunnerCommands(async (line) => {
  const count = /^mint (\d+)$/.exec(line)?.[1];
  if (count === undefined) throw new Error(`unknown command "${line}"`);
  const refreshTokens: string[] = [];
  for (let i = 0; i < Number(count); i++) refreshTokens.push(await mintRefreshToken(`user-${minted++}`));
  process.stdout.write(`${JSON.stringify({ refreshTokens })}\n`);
});
