import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isObjectId, newObjectId, newPublicKey } from '../../src/lib/ids.js';

test('public keys are 22 URL-safe characters and never start with "-", which a command line reads as an option', () => {
  // With plain base64url, 1 key in 64 starts with "-": among 5,000 keys that is all but certain.
  for (let i = 0; i < 5000; i++) {
    const key = newPublicKey();
    assert.match(key, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  }
});

test('object ids are 24 hex characters that start with the creation second', () => {
  const id = newObjectId(Date.UTC(2019, 1, 28) + 999);
  assert.ok(isObjectId(id));
  assert.equal(parseInt(id.slice(0, 8), 16), Date.UTC(2019, 1, 28) / 1000);
});
