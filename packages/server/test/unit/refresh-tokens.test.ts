import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { decodeRefreshToken, encodeRefreshToken, newFamilyId } from '../../src/modules/oauth/refresh-tokens.js';

const secret = randomBytes(32);
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('refresh tokens: encode and decode', () => {
  test('a token decodes to its family and generation', () => {
    const familyId = newFamilyId();
    for (const generation of [0, 1, 41, 2 ** 32 - 1]) {
      const token = encodeRefreshToken(secret, familyId, generation);
      assert.deepEqual(decodeRefreshToken(secret, token), { familyId, generation });
    }
  });

  test('is opaque base64url of at least 256 bits, and families differ', () => {
    const a = encodeRefreshToken(secret, newFamilyId(), 0);
    const b = encodeRefreshToken(secret, newFamilyId(), 0);
    assert.match(a, /^[A-Za-z0-9_-]+$/);
    assert.ok(Buffer.from(a, 'base64url').length * 8 >= 256);
    assert.notEqual(a, b);
  });

  test('successive generations of one family are unrelated strings', () => {
    const familyId = newFamilyId();
    const first = encodeRefreshToken(secret, familyId, 0);
    const second = encodeRefreshToken(secret, familyId, 1);
    assert.notEqual(first, second);
    // Deterministic: the same (family, generation) is the same token, which is what lets racing
    // callers inside the grace window converge on one successor.
    assert.equal(encodeRefreshToken(secret, familyId, 1), second);
  });

  test('flipping any bit of any byte makes it undecodable', () => {
    const token = encodeRefreshToken(secret, newFamilyId(), 7);
    const raw = Buffer.from(token, 'base64url');
    for (let i = 0; i < raw.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const tampered = Buffer.from(raw);
        tampered[i]! ^= bit;
        assert.equal(decodeRefreshToken(secret, tampered.toString('base64url')), undefined, `byte ${i} bit ${bit}`);
      }
    }
  });

  test('changing any character makes it undecodable', () => {
    const token = encodeRefreshToken(secret, newFamilyId(), 7);
    for (let i = 0; i < token.length; i++) {
      for (const replacement of alphabet) {
        if (replacement === token[i]) continue;
        const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
        assert.equal(decodeRefreshToken(secret, tampered), undefined, `position ${i} as ${replacement}`);
      }
    }
  });

  test('a token minted under another secret is undecodable', () => {
    const token = encodeRefreshToken(randomBytes(32), newFamilyId(), 0);
    assert.equal(decodeRefreshToken(secret, token), undefined);
  });

  test('wrong lengths, padding, other alphabets and other versions are undecodable', () => {
    const token = encodeRefreshToken(secret, newFamilyId(), 0);
    const raw = Buffer.from(token, 'base64url');
    const otherVersion = Buffer.from(raw);
    otherVersion[0] = 2;
    for (const bad of [
      '',
      'x',
      token.slice(1),
      token.slice(0, -1),
      `${token}A`,
      `${token}=`,
      raw.toString('base64'),
      ` ${token.slice(1)}`,
      otherVersion.toString('base64url'),
      Buffer.concat([raw, Buffer.from([0])]).toString('base64url'),
      'A'.repeat(token.length),
    ]) {
      if (bad === token) continue;
      assert.equal(decodeRefreshToken(secret, bad), undefined, JSON.stringify(bad));
    }
  });
});
