import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPublicKey, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { generateSigningKey, loadKey, type JwtAlgorithm } from '../../src/oauth/signing-keys.js';
import { SigningThread } from '../../src/oauth/signing-thread.js';
import type { SignKey } from '../../src/oauth/signing-worker.js';

function signKey(alg: JwtAlgorithm): { signKey: SignKey; verifies(input: string, signature: string): boolean } {
  const loaded = loadKey(generateSigningKey(alg, Date.now()));
  const digest = alg === 'EdDSA' ? null : 'sha256';
  const dsaEncoding = alg === 'ES256' ? ('ieee-p1363' as const) : undefined;
  return {
    signKey: { kid: loaded.kid, digest, dsaEncoding, privateKey: loaded.privateKey },
    verifies: (input, signature) =>
      verify(digest, Buffer.from(input), dsaEncoding ? { key: loaded.publicKey, dsaEncoding } : loaded.publicKey, Buffer.from(signature, 'base64url')),
  };
}

describe('the JWT-signing thread', () => {
  test('hundreds of concurrent signatures with three keys each verify against their own key', async () => {
    const thread = new SigningThread();
    const keys = (['ES256', 'EdDSA', 'RS256'] as const).map(signKey);
    const inputs = Array.from({ length: 300 }, (_, i) => `header.payload-${i}`);
    const signatures = await Promise.all(inputs.map((input, i) => thread.sign(keys[i % 3]!.signKey, input)));
    signatures.forEach((signature, i) => {
      assert.ok(keys[i % 3]!.verifies(inputs[i]!, signature), `signature ${i}`);
      assert.equal(keys[(i + 1) % 3]!.verifies(inputs[i]!, signature), false, `signature ${i} under another key`);
    });
  });

  test('a key that cannot sign fails its own calls only; the thread goes on signing', async () => {
    const thread = new SigningThread();
    const good = signKey('ES256');
    const broken: SignKey = { ...signKey('ES256').signKey, kid: 'public-only' };
    broken.privateKey = createPublicKey(broken.privateKey);
    const [ok, failed] = await Promise.allSettled([thread.sign(good.signKey, 'a.b'), thread.sign(broken, 'a.b')]);
    assert.equal(ok.status, 'fulfilled');
    assert.ok(good.verifies('a.b', (ok as PromiseFulfilledResult<string>).value));
    assert.equal(failed.status, 'rejected');
    assert.match(String((failed as PromiseRejectedResult).reason), /signing failed/);
    assert.ok(good.verifies('c.d', await thread.sign(good.signKey, 'c.d')));
  });

  test('an idle signing thread does not keep the process alive', () => {
    const moduleUrl = new URL('../../src/oauth/signing-thread.js', import.meta.url).href;
    const keysUrl = new URL('../../src/oauth/signing-keys.js', import.meta.url).href;
    const script = `
      const { SigningThread } = await import(${JSON.stringify(moduleUrl)});
      const { generateSigningKey, loadKey } = await import(${JSON.stringify(keysUrl)});
      const key = loadKey(generateSigningKey('ES256', Date.now()));
      const signature = await new SigningThread().sign({ kid: key.kid, digest: 'sha256', dsaEncoding: 'ieee-p1363', privateKey: key.privateKey }, 'a.b');
      console.log(signature.length);`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-signing-'));
    const file = path.join(dir, 'sign-once.mjs');
    fs.writeFileSync(file, script);
    const result = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 15_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(result.signal, null, 'the process ended by itself, not by the timeout');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), '86');
  });
});
