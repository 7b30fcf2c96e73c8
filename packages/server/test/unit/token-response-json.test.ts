import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tokenResponseJson, type TokenResponse } from '../../src/modules/oauth/token-context.js';

describe('tokenResponseJson', () => {
  const base: TokenResponse = {
    access_token: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl-_',
    expires_in: 3600,
    token_type: 'Bearer',
    scope: 'meshy.api offline_access',
  };

  test('is the JSON of the response, with and without a refresh token, in the docs key order', () => {
    const withRefresh = { ...base, refresh_token: 'AQIDBAUGBwgJCgsMDQ4PEAAAAAE-_x' };
    assert.deepEqual(JSON.parse(tokenResponseJson(base)), base);
    assert.deepEqual(JSON.parse(tokenResponseJson(withRefresh)), withRefresh);
    assert.deepEqual(Object.keys(JSON.parse(tokenResponseJson(withRefresh))), ['access_token', 'expires_in', 'token_type', 'refresh_token', 'scope']);
  });

  test('escapes the scope', () => {
    const odd = { ...base, scope: 'a"b\\c' };
    assert.deepEqual(JSON.parse(tokenResponseJson(odd)), odd);
  });
});
