import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { hmacSha256 } from '../../src/lib/secrets.js';

const reference = (key: Buffer, parts: Buffer[]) => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((array) => Buffer.from(array));

describe('hmacSha256', () => {
  test('is HMAC-SHA256: equal to createHmac for keys shorter than, as long as and longer than a block', () => {
    fc.assert(
      fc.property(bytes(200), fc.array(bytes(150), { maxLength: 4 }), (key, parts) => {
        assert.deepEqual(hmacSha256(key, ...parts), reference(key, parts));
        // The second MAC under the same key uses the key's cached pads.
        assert.deepEqual(hmacSha256(key, ...parts), reference(key, parts));
      }),
      { numRuns: 500 },
    );
  });

  test("RFC 4231's test case 2 (a key shorter than the block)", () => {
    const mac = hmacSha256(Buffer.from('Jefe'), Buffer.from('what do ya want '), Buffer.from('for nothing?'));
    assert.equal(mac.toString('hex'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  test('keys of equal bytes in different buffers give the same MAC; different keys differ', () => {
    const message = Buffer.from('message');
    assert.deepEqual(hmacSha256(Buffer.from('k'.repeat(32)), message), hmacSha256(Buffer.from('k'.repeat(32)), message));
    assert.notDeepEqual(hmacSha256(Buffer.from('k'.repeat(32)), message), hmacSha256(Buffer.from('j'.repeat(32)), message));
  });
});
