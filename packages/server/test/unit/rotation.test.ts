import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideRefresh, type RefreshDecision } from '../../src/modules/oauth/rotation.js';
import type { ClientSettings } from '../../src/modules/accounts/types.js';
import type { RefreshFamily } from '../../src/modules/oauth/types.js';

const LOGIN = Date.UTC(2026, 0, 1);
const S = 1000;

const settings: ClientSettings = {
  accessTokenLifetimeSeconds: 3600,
  refreshTokenAbsoluteLifetimeSeconds: 1000,
  refreshTokenSlidingLifetimeSeconds: 100,
  refreshTokenReuseGraceSeconds: 10,
};

/** A family at generation 5, last rotated 50 s after the login. */
const family: RefreshFamily = {
  id: 'family',
  accountId: 'account-a',
  clientId: 'client-a',
  userId: 'user',
  scope: 'meshy.api offline_access',
  generation: 5,
  createdAt: LOGIN,
  rotatedAt: LOGIN + 50 * S,
  revokedAt: null,
  revokeReason: null,
};

interface Case {
  name: string;
  generation: number;
  /** Milliseconds after the family's last rotation. */
  after: number;
  family?: Partial<RefreshFamily>;
  settings?: Partial<ClientSettings>;
  presentedBy?: { accountId?: string; clientId?: string };
  expected: RefreshDecision;
}

const reject = (code: Extract<RefreshDecision, { kind: 'reject' }>['code']): RefreshDecision => ({ kind: 'reject', code });

const cases: Case[] = [
  { name: 'the current token is spent', generation: 5, after: 1 * S, expected: { kind: 'rotate' } },
  { name: 'the current token just before the sliding lifetime ends', generation: 5, after: 100 * S - 1, expected: { kind: 'rotate' } },
  { name: 'the current token at the end of the sliding lifetime', generation: 5, after: 100 * S, expected: reject('refresh_token_expired') },
  {
    name: 'the current token past the absolute lifetime though still sliding',
    generation: 5,
    after: 60 * S,
    family: { rotatedAt: LOGIN + 950 * S },
    expected: reject('refresh_token_expired'),
  },
  {
    name: 'the current token just before the absolute lifetime',
    generation: 5,
    after: 49 * S,
    family: { rotatedAt: LOGIN + 950 * S },
    expected: { kind: 'rotate' },
  },
  { name: 'the previous token right after the rotation', generation: 4, after: 0, expected: { kind: 'replay' } },
  { name: 'the previous token at the end of the grace window', generation: 4, after: 10 * S, expected: { kind: 'replay' } },
  { name: 'the previous token past the grace window', generation: 4, after: 10 * S + 1, expected: { kind: 'reuse' } },
  { name: 'the previous token with the grace window off', generation: 4, after: 0, settings: { refreshTokenReuseGraceSeconds: 0 }, expected: { kind: 'reuse' } },
  { name: 'a token two generations old, inside the window', generation: 3, after: 1 * S, expected: { kind: 'reuse' } },
  { name: 'the first token of a long family', generation: 0, after: 1 * S, expected: { kind: 'reuse' } },
  { name: 'a generation the family never reached', generation: 6, after: 1 * S, expected: reject('refresh_token_unknown') },
  { name: 'the current token of a revoked family', generation: 5, after: 1 * S, family: { revokedAt: LOGIN + 51 * S }, expected: reject('refresh_token_revoked') },
  { name: 'the previous token of a revoked family, inside the window', generation: 4, after: 1 * S, family: { revokedAt: LOGIN + 51 * S }, expected: reject('refresh_token_revoked') },
  { name: 'a token presented by another client', generation: 5, after: 1 * S, presentedBy: { clientId: 'client-b' }, expected: reject('refresh_token_wrong_client') },
  { name: 'a token presented at another account', generation: 5, after: 1 * S, presentedBy: { accountId: 'account-b' }, expected: reject('refresh_token_wrong_client') },
  {
    name: 'a revoked family presented by another client says nothing about the revocation',
    generation: 5,
    after: 1 * S,
    family: { revokedAt: LOGIN },
    presentedBy: { clientId: 'client-b' },
    expected: reject('refresh_token_wrong_client'),
  },
  {
    name: 'an expired family is expired, not reuse, for an old token',
    generation: 4,
    after: 1 * S,
    family: { rotatedAt: LOGIN + 999 * S },
    expected: reject('refresh_token_expired'),
  },
];

describe('rotation: decideRefresh', () => {
  for (const c of cases) {
    test(c.name, () => {
      const f = { ...family, ...c.family };
      const presented = { generation: c.generation, accountId: 'account-a', clientId: 'client-a', ...c.presentedBy };
      const decision = decideRefresh(f, presented, f.rotatedAt + c.after, { ...settings, ...c.settings });
      assert.deepEqual(decision, c.expected);
    });
  }

  test('is a pure function: the family it is given is left as it was', () => {
    const f = structuredClone(family);
    decideRefresh(f, { generation: 4, accountId: 'account-a', clientId: 'client-a' }, f.rotatedAt + 20 * S, settings);
    assert.deepEqual(f, family);
  });
});
