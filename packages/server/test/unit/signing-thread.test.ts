import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { generateSigningKey, loadKey, type JwtAlgorithm } from '../../src/modules/oauth/signing-keys.js';
import { SigningThread } from '../../src/modules/oauth/signing-thread.js';
import type { SignKey } from '../../src/modules/oauth/signing-worker.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function testKey(alg: JwtAlgorithm): { signKey: SignKey; verifies(jwt: string): boolean } {
  const loaded = loadKey(generateSigningKey(alg, Date.now()));
  const digest = alg === 'EdDSA' ? null : 'sha256';
  const dsaEncoding = alg === 'ES256' ? ('ieee-p1363' as const) : undefined;
  return {
    signKey: { kid: loaded.kid, header: b64({ alg, kid: loaded.kid }), digest, dsaEncoding, privateKey: loaded.privateKey },
    verifies(jwt) {
      const [header, payload, signature] = jwt.split('.') as [string, string, string];
      const key = dsaEncoding ? { key: loaded.publicKey, dsaEncoding } : loaded.publicKey;
      return verify(digest, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'));
    },
  };
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

describe('the JWT thread', () => {
  test('hundreds of concurrent tokens under three keys: each carries its header and payload and verifies under its own key only', async () => {
    const thread = new SigningThread();
    const keys = (['ES256', 'EdDSA', 'RS256'] as const).map(testKey);
    const payloads = Array.from({ length: 300 }, (_, i) => ({ sub: `user-${i}`, name: 'Zoë ☃' }));
    const jwts = await Promise.all(payloads.map((payload, i) => thread.signJwt(keys[i % 3]!.signKey, JSON.stringify(payload))));
    jwts.forEach((jwt, i) => {
      const key = keys[i % 3]!;
      assert.equal(jwt.split('.')[0], key.signKey.header, `token ${i} header`);
      assert.deepEqual(payloadOf(jwt), payloads[i], `token ${i} payload`);
      assert.ok(key.verifies(jwt), `token ${i} signature`);
      assert.equal(keys[(i + 1) % 3]!.verifies(jwt), false, `token ${i} under another key`);
    });
  });

  test('a key that cannot sign fails its own calls only; the thread goes on signing', async () => {
    const thread = new SigningThread();
    const good = testKey('ES256');
    const broken: SignKey = { ...testKey('ES256').signKey, kid: 'public-only' };
    broken.privateKey = createPublicKey(broken.privateKey);
    const [ok, failed] = await Promise.allSettled([thread.signJwt(good.signKey, '{"a":1}'), thread.signJwt(broken, '{"a":1}')]);
    assert.equal(ok.status, 'fulfilled');
    assert.ok(good.verifies((ok as PromiseFulfilledResult<string>).value));
    assert.equal(failed.status, 'rejected');
    assert.match(String((failed as PromiseRejectedResult).reason), /signing failed/);
    assert.ok(good.verifies(await thread.signJwt(good.signKey, '{"b":2}')));
  });

  test('an idle JWT thread does not keep the process alive', () => {
    const moduleUrl = new URL('../../src/modules/oauth/signing-thread.js', import.meta.url).href;
    const keysUrl = new URL('../../src/modules/oauth/signing-keys.js', import.meta.url).href;
    const script = `
      const { SigningThread } = await import(${JSON.stringify(moduleUrl)});
      const { generateSigningKey, loadKey } = await import(${JSON.stringify(keysUrl)});
      const key = loadKey(generateSigningKey('ES256', Date.now()));
      const signKey = { kid: key.kid, header: 'e30', digest: 'sha256', dsaEncoding: 'ieee-p1363', privateKey: key.privateKey };
      const jwt = await new SigningThread().signJwt(signKey, '{}');
      console.log(jwt.split('.').map((part) => part.length).join(','));`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-signing-'));
    const file = path.join(dir, 'sign-once.mjs');
    fs.writeFileSync(file, script);
    const result = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 15_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(result.signal, null, 'the process ended by itself, not by the timeout');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), '3,3,86');
  });
});
