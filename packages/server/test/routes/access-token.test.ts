import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { signAccessToken } from '../../src/modules/oauth/access-tokens.js';
import { loadKey } from '../../src/modules/oauth/signing-keys.js';
import { runCli } from '../helpers/cli.js';
import { get, postForm, postJson, type JsonResponse } from '../helpers/http.js';
import { b64url, decodeJwt, signJwt, verifyWithJwk } from '../helpers/jwt.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login, refreshGrant } from '../helpers/tokens.js';

/**
 * Access tokens as a resource server sees them: claims, a signature that verifies against the
 * published JWKS, and every forgery we know of refused with the documented 401. Key rotation with
 * the real CLI, picked up by the running server.
 */
const UNAUTHORIZED = { statusCode: 401, code: 'unauthorized', message: 'User is not authorized to make call.' };

function me(t: TestServer, accessToken: string, base = t.base): Promise<JsonResponse> {
  return get(`${base}/users/me`, { authorization: `Bearer ${accessToken}` });
}

async function assertRefused(t: TestServer, token: string, base = t.base): Promise<void> {
  const res = await me(t, token, base);
  assert.equal(res.status, 401, `${token} was accepted`);
  assert.deepEqual(res.body, UNAUTHORIZED);
}

function cli<T = any>(t: TestServer, ...args: string[]): T {
  const result = runCli([...args, '--data', t.dataDir, '--json']);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

async function jwks(t: TestServer): Promise<Record<string, any>[]> {
  const res = await get(`${t.base}/.well-known/jwks.json`);
  assert.equal(res.status, 200);
  return res.body.keys;
}

describe('access tokens: claims and signature', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('carry the documented claims, and kid, alg and typ in the header', async () => {
    const session = await login(t);
    const { header, payload } = decodeJwt(session.access_token);
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'typ']);
    assert.equal(header.alg, 'ES256');
    assert.equal(header.typ, 'at+jwt');
    assert.match(header.kid, /^[A-Za-z0-9_-]{20,}$/);

    const user = (await me(t, session.access_token)).body;
    const now = Math.floor(t.clock.now() / 1000);
    assert.equal(payload.iss, t.base);
    assert.equal(payload.aud, 'meshy.api');
    assert.equal(payload.sub, user.id);
    assert.equal(payload.client_id, t.publicKey);
    assert.equal(payload.scope, 'meshy.api offline_access');
    assert.equal(payload.iat, now);
    assert.equal(payload.exp, now + 3600);
    assert.equal(payload.id, session.username);
    assert.deepEqual(payload.role, []);
    // A new account's default permissions (meshes:crud, projections:r), held by every signed-in user.
    assert.deepEqual(payload.permission, ['meshes:create', 'meshes:delete', 'meshes:read', 'meshes:update', 'projections:read']);
    assert.match(payload.jti, /^[A-Za-z0-9_-]{16,}$/);
    assert.notEqual(decodeJwt((await login(t)).access_token).payload.jti, payload.jti);
  });

  test('registered users get given_name and family_name', async () => {
    await postJson(`${t.base}/users/register`, { username: 'grace', newPassword: 'cobol-1959', firstName: 'Grace', lastName: 'Hopper' });
    const res = await postForm(`${t.base}/connect/token`, {
      client_id: t.publicKey,
      grant_type: 'password',
      username: 'grace',
      password: 'cobol-1959',
      scope: 'meshy.api offline_access',
    });
    assert.equal(res.status, 200);
    const { payload } = decodeJwt(res.body.access_token);
    assert.equal(payload.given_name, 'Grace');
    assert.equal(payload.family_name, 'Hopper');
    assert.equal(payload.id, 'grace');
  });

  test('verifies against the key the JWKS publishes under its kid', async () => {
    const session = await login(t);
    const { header } = decodeJwt(session.access_token);
    const key = (await jwks(t)).find((k) => k.kid === header.kid);
    assert.ok(key, 'the JWKS holds the signing key');
    assert.equal(key.alg, 'ES256');
    assert.equal(verifyWithJwk(session.access_token, key), true);
    // And not a token altered in the least.
    const tampered = session.access_token.slice(0, -2) + (session.access_token.endsWith('AA') ? 'BA' : 'AA');
    assert.equal(verifyWithJwk(tampered, key), false);
  });

  test('a tampered payload is 401', async () => {
    const victim = await login(t);
    const attacker = await login(t);
    const victimId = decodeJwt(victim.access_token).payload.sub;
    const [h, p, s] = attacker.access_token.split('.') as [string, string, string];
    const payload = decodeJwt(attacker.access_token).payload;
    await assertRefused(t, `${h}.${b64url({ ...payload, sub: victimId, id: victim.username })}.${s}`);
    await assertRefused(t, `${h}.${b64url({ ...payload, exp: payload.exp + 86400 })}.${s}`);
    await assertRefused(t, `${h}.${b64url({ ...payload, role: ['admin'] })}.${s}`);
    await assertRefused(t, `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`);
    // The attacker's own token still works: the refusals are about the tampering.
    assert.equal((await me(t, attacker.access_token)).status, 200);
  });

  test('alg: none is 401, with or without a signature', async () => {
    const session = await login(t);
    const { header, payload, signature } = decodeJwt(session.access_token);
    for (const alg of ['none', 'None', 'NONE']) {
      const unsigned = `${b64url({ ...header, alg })}.${b64url(payload)}`;
      await assertRefused(t, `${unsigned}.`);
      await assertRefused(t, unsigned);
      await assertRefused(t, `${unsigned}.${signature.toString('base64url')}`);
    }
  });

  test('an HS256 token MACed with the public key is 401 (key confusion)', async () => {
    const session = await login(t);
    const { header, payload } = decodeJwt(session.access_token);
    const jwk = (await jwks(t)).find((k) => k.kid === header.kid)!;
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    const secrets = [
      Buffer.from(jwk.x, 'base64url'),
      Buffer.from(String(publicKey.export({ type: 'spki', format: 'pem' }))),
      publicKey.export({ type: 'spki', format: 'der' }),
      Buffer.from(JSON.stringify(jwk)),
    ];
    for (const secret of secrets) {
      const input = `${b64url({ ...header, alg: 'HS256' })}.${b64url(payload)}`;
      const mac = createHmac('sha256', secret).update(input).digest('base64url');
      await assertRefused(t, `${input}.${mac}`);
    }
  });

  test('a token signed with a different key is 401, even under our kid', async () => {
    const session = await login(t);
    const { header, payload } = decodeJwt(session.access_token);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await assertRefused(t, signJwt(header, payload, privateKey));
    await assertRefused(t, signJwt({ ...header, kid: 'attacker-key' }, payload, privateKey));
    const ed = generateKeyPairSync('ed25519').privateKey;
    await assertRefused(t, signJwt({ ...header, alg: 'EdDSA' }, payload, ed));
  });

  test('signed by our own key but with the wrong audience, issuer, type or no expiry: 401', async () => {
    const session = await login(t);
    const { header, payload } = decodeJwt(session.access_token);
    const stored = (await t.server.store.signingKeys.list()).find((k) => k.kid === header.kid)!;
    const key = loadKey(stored).privateKey;
    // Sanity: our own re-signing of the untouched claims is accepted, so each refusal below is the claim's.
    assert.equal((await me(t, signJwt(header, payload, key))).status, 200);
    await assertRefused(t, signJwt(header, { ...payload, aud: 'other.api' }, key));
    await assertRefused(t, signJwt(header, { ...payload, iss: `${t.url}/other` }, key));
    await assertRefused(t, signJwt({ ...header, typ: 'JWT' }, payload, key));
    const { exp: _exp, ...noExpiry } = payload;
    await assertRefused(t, signJwt(header, noExpiry, key));
    await assertRefused(t, signJwt(header, { ...payload, sub: '000000000000000000000000' }, key));
  });

  test('garbage bearer values are 401, never 500', async () => {
    for (const token of ['', 'x', 'a.b', 'a.b.c', '...', 'ey.ey.ey', `${b64url('😀')}.${b64url('😀')}.${b64url('😀')}`, 'x'.repeat(10_000)]) {
      const res = await get(`${t.base}/users/me`, { authorization: `Bearer ${token}` });
      assert.equal(res.status, 401, token.slice(0, 20));
      assert.deepEqual(res.body, UNAUTHORIZED);
    }
    const session = await login(t);
    for (const header of [session.access_token, `Basic ${session.access_token}`, `Bearer  ${session.access_token} x`]) {
      const res = await get(`${t.base}/users/me`, { authorization: header });
      assert.equal(res.status, 401);
    }
    assert.equal((await get(`${t.base}/users/me`)).status, 401);
  });

  test('expired: 401 once exp (plus a small leeway for clock skew) has passed', async () => {
    const session = await login(t);
    t.clock.advance(3600 * 1000 + 10_000);
    assert.equal((await me(t, session.access_token)).status, 200, 'within the clock-skew leeway');
    t.clock.advance(50_000);
    await assertRefused(t, session.access_token);
  });

  test("another account's token is 401", async () => {
    const other = cli<{ accountName: string; publicKey: string }>(t, 'account', 'create', 'elsewhere');
    const session = await login(t);
    await assertRefused(t, session.access_token, `${t.url}/${other.accountName}`);
  });
});

describe('access tokens: key rotation with the CLI', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('new tokens get the new kid once the server picks it up; old tokens still verify', async () => {
    const before = await login(t);
    const oldKid = decodeJwt(before.access_token).header.kid;
    const rotated = cli<{ kid: string; alg: string }>(t, 'keys', 'rotate');
    assert.equal(rotated.alg, 'ES256');
    assert.notEqual(rotated.kid, oldKid);

    // The server re-reads its keys when its clock has moved more than 30 s: the first request
    // after that starts the reload, the ones after it sign with the new key.
    t.clock.advance(31_000);
    await login(t);
    const after = await login(t);
    assert.equal(decodeJwt(after.access_token).header.kid, rotated.kid);

    const keys = await jwks(t);
    const kids = keys.map((k) => k.kid);
    assert.ok(kids.includes(oldKid) && kids.includes(rotated.kid), JSON.stringify(kids));
    assert.equal(verifyWithJwk(after.access_token, keys.find((k) => k.kid === rotated.kid)!), true);
    assert.equal(verifyWithJwk(before.access_token, keys.find((k) => k.kid === oldKid)!), true);
    assert.equal((await me(t, before.access_token)).status, 200);
    assert.equal((await me(t, after.access_token)).status, 200);
    // A refresh of the old session gets the new key too.
    const refreshed = await refreshGrant(t, before.refresh_token);
    assert.equal(decodeJwt(refreshed.body.access_token).header.kid, rotated.kid);
  });

  test('a token naming a kid the server has not loaded yet makes it re-read the keys (another instance rotated)', async () => {
    const rotated = cli<{ kid: string; alg: string }>(t, 'keys', 'rotate', '--alg', 'ES256');
    assert.equal(rotated.alg, 'ES256');
    // Another server on the same store already signs with the new key; this one has not looked yet.
    const stored = (await t.server.store.signingKeys.list()).find((k) => k.kid === rotated.kid)!;
    const session = await login(t);
    const claims = decodeJwt(session.access_token).payload;
    const { jti: _jti, aud: _aud, ...rest } = claims;
    const fromOtherInstance = await signAccessToken(loadKey(stored), rest as Parameters<typeof signAccessToken>[1]);
    assert.equal(decodeJwt(fromOtherInstance).header.kid, rotated.kid);
    assert.equal((await me(t, fromOtherInstance)).status, 200);
    // Having loaded it, this server now signs with it too, and publishes it.
    const next = await login(t);
    assert.equal(decodeJwt(next.access_token).header.alg, 'ES256');
    assert.equal(decodeJwt(next.access_token).header.kid, rotated.kid);
    const key = (await jwks(t)).find((k) => k.kid === rotated.kid)!;
    assert.equal(key.kty, 'EC');
    assert.equal(verifyWithJwk(next.access_token, key), true);
    assert.equal((await me(t, session.access_token)).status, 200);
  });

  test('RS256 by setting, verifying against the JWKS as well', async () => {
    const rotated = cli<{ kid: string; alg: string }>(t, 'keys', 'rotate', '--alg', 'RS256');
    t.clock.advance(31_000);
    await login(t);
    const session = await login(t);
    const { header } = decodeJwt(session.access_token);
    assert.equal(header.alg, 'RS256');
    assert.equal(header.kid, rotated.kid);
    const key = (await jwks(t)).find((k) => k.kid === rotated.kid)!;
    assert.equal(key.kty, 'RSA');
    assert.equal(verifyWithJwk(session.access_token, key), true);
    assert.equal((await me(t, session.access_token)).status, 200);
  });

  test('keys list shows one signing key and the retired ones', () => {
    const keys = cli<{ kid: string; alg: string; retiredAt: string | null }[]>(t, 'keys', 'list');
    assert.equal(keys.length, 4);
    assert.equal(keys.filter((k) => k.retiredAt === null).length, 1);
  });
});
