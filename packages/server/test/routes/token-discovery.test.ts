import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { get } from '../helpers/http.js';
import { decodeJwt, verifyWithJwk } from '../helpers/jwt.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

/** The per-account discovery document (RFC 8414 / OIDC discovery fields) and JWKS. */
describe('discovery and JWKS', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('openid-configuration names this account and its endpoints', async () => {
    const res = await get(`${t.base}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const doc = res.body;
    assert.equal(doc.issuer, t.base);
    assert.equal(doc.token_endpoint, `${t.base}/connect/token`);
    assert.equal(doc.revocation_endpoint, `${t.base}/connect/revocation`);
    assert.equal(doc.introspection_endpoint, `${t.base}/connect/introspect`);
    assert.equal(doc.jwks_uri, `${t.base}/.well-known/jwks.json`);
    assert.deepEqual([...doc.grant_types_supported].sort(), ['password', 'refresh_token']);
    for (const scope of ['meshy.api', 'offline_access', 'openid']) assert.ok(doc.scopes_supported.includes(scope), scope);
    assert.ok(doc.token_endpoint_auth_methods_supported.includes('none'));
    assert.ok(Array.isArray(doc.response_types_supported));
    assert.ok(Array.isArray(doc.subject_types_supported));
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['ES256']);
  });

  test('the issuer is the iss of the access tokens, and jwks_uri serves their key', async () => {
    const doc = (await get(`${t.base}/.well-known/openid-configuration`)).body;
    const session = await login(t);
    const { header, payload } = decodeJwt(session.access_token);
    assert.equal(payload.iss, doc.issuer);
    const keys = (await get(doc.jwks_uri)).body.keys as Record<string, string>[];
    assert.equal(verifyWithJwk(session.access_token, keys.find((k) => k.kid === header.kid)!), true);
  });

  test('the JWKS holds public keys only, each named by its RFC 7638 thumbprint', async () => {
    const res = await get(`${t.base}/.well-known/jwks.json`);
    assert.equal(res.status, 200);
    const keys = res.body.keys as Record<string, string>[];
    assert.ok(keys.length >= 1);
    for (const key of keys) {
      assert.equal(key.kty, 'EC');
      assert.equal(key.crv, 'P-256');
      assert.equal(key.alg, 'ES256');
      assert.equal(key.use, 'sig');
      assert.match(key.x!, /^[A-Za-z0-9_-]{43}$/);
      assert.match(key.y!, /^[A-Za-z0-9_-]{43}$/);
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(key[secret], undefined, `no private member ${secret}`);
      const thumbprint = createHash('sha256').update(JSON.stringify({ crv: key.crv, kty: key.kty, x: key.x, y: key.y })).digest('base64url');
      assert.equal(key.kid, thumbprint);
    }
  });

  test('both documents belong to an account: an unknown one is 404', async () => {
    for (const doc of ['openid-configuration', 'jwks.json']) {
      const res = await get(`${t.url}/no-such-account/.well-known/${doc}`);
      assert.equal(res.status, 404);
      assert.equal(res.body.code, 'account_not_found');
    }
  });
});
