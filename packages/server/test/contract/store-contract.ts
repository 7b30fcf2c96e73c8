import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultAccountSettings, defaultClientSettings } from '../../src/modules/accounts/defaults.js';
import { newObjectId, newPublicKey } from '../../src/lib/ids.js';
import { generateSigningKey } from '../../src/modules/oauth/signing-keys.js';
import { UniqueViolation } from '../../src/store/errors.js';
import type { Account, Client } from '../../src/modules/accounts/types.js';
import type { RefreshFamily } from '../../src/modules/oauth/types.js';
import type { Store } from '../../src/store/store.js';
import type { User } from '../../src/modules/users/types.js';

/**
 * The contract every Store implementation keeps. Each backend's test file calls this with a
 * factory for a fresh, empty store; the suite never looks behind the interface.
 */
export function runStoreContract(name: string, open: () => Promise<{ store: Store; cleanup(): Promise<void> }>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let account: Account;
    let client: Client;

    before(async () => {
      ({ store, cleanup } = await open());
      account = makeAccount('contract');
      client = makeClient(account.id);
      await store.accounts.create(account, client);
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    test('ping answers', async () => {
      await store.ping();
    });

    describe(`accounts port (store.accounts)`, () => {
      test('accounts: create, find by name, list, update settings, unique names', async () => {
        assert.deepEqual(await store.accounts.findByName('contract'), account);
        assert.equal(await store.accounts.findByName('nope'), undefined);
        const other = makeAccount('contract-two');
        await store.accounts.create(other, makeClient(other.id));
        assert.deepEqual((await store.accounts.list()).map((a) => a.name), ['contract', 'contract-two']);
        await assert.rejects(store.accounts.create(makeAccount('contract'), makeClient('x')), UniqueViolation);
        const settings = { ...other.settings, apiRequestLimit: null, corsOrigins: ['https://app.example'] };
        await store.accounts.updateSettings(other.id, settings);
        assert.deepEqual((await store.accounts.findByName('contract-two'))!.settings, settings);
      });

      test('accounts: of concurrent creations of one name exactly one succeeds', async () => {
        const results = await Promise.allSettled(Array.from({ length: 8 }, () => { const a = makeAccount('contract-race'); return store.accounts.create(a, makeClient(a.id)); }));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof UniqueViolation);
        assert.equal((await store.accounts.list()).filter((a) => a.name === 'contract-race').length, 1);
      });
    });

    describe(`clients port (store.clients)`, () => {
      test('clients: create, find, list in creation order, update settings', async () => {
        assert.deepEqual(await store.clients.find(client.publicKey), client);
        const second = { ...makeClient(account.id), createdAt: client.createdAt + 1 };
        await store.clients.create(second);
        assert.deepEqual((await store.clients.list(account.id)).map((c) => c.publicKey), [client.publicKey, second.publicKey]);
        const settings = { ...second.settings, refreshTokenReuseGraceSeconds: 0 };
        await store.clients.updateSettings(second.publicKey, settings);
        assert.deepEqual((await store.clients.find(second.publicKey))!.settings, settings);
        assert.equal(await store.clients.find('unknown'), undefined);
      });
    });

    describe(`users port (store.users)`, () => {
      test('users: create, find by id and by username case-insensitively, unique per account', async () => {
        const user = makeUser(account.id, 'Alice');
        await store.users.create(user);
        assert.deepEqual(await store.users.findById(account.id, user.id), user);
        assert.deepEqual(await store.users.findByUsername(account.id, 'ALICE'), user);
        await assert.rejects(store.users.create(makeUser(account.id, 'alice')), UniqueViolation);
        const other = makeAccount('contract-three');
        await store.accounts.create(other, makeClient(other.id));
        await store.users.create(makeUser(other.id, 'alice'));
        assert.equal(await store.users.findById(other.id, user.id), undefined, 'ids are scoped to their account');
      });

      test('users: activate, deactivate, touch', async () => {
        const user = makeUser(account.id, 'bob');
        await store.users.create(user);
        await store.users.setActive(account.id, user.id, false);
        assert.equal((await store.users.findById(account.id, user.id))!.isActive, false);
        await store.users.setActive(account.id, user.id, true);
        await store.users.touch(account.id, user.id, 1234);
        const found = (await store.users.findById(account.id, user.id))!;
        assert.equal(found.isActive, true);
        assert.equal(found.lastAccessed, 1234);
      });

      test('users: of concurrent creations of one username, in any case, exactly one succeeds', async () => {
        const names = ['Racer', 'racer', 'RACER', 'racer', 'rAcEr', 'Racer'];
        const results = await Promise.allSettled(names.map((name) => store.users.create(makeUser(account.id, name))));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof UniqueViolation);
      });
    });

    describe(`refresh families port (store.refreshFamilies)`, () => {
      test('refresh families: exactly one of many concurrent advances from one generation wins', async () => {
        const family = makeFamily(account.id, client.publicKey, 'u1');
        await store.refreshFamilies.create(family);
        assert.deepEqual(await store.refreshFamilies.find(family.id), family);
        const results = await Promise.all(Array.from({ length: 20 }, () => store.refreshFamilies.advance(family.id, 0, 5000)));
        assert.equal(results.filter(Boolean).length, 1);
        const advanced = (await store.refreshFamilies.find(family.id))!;
        assert.equal(advanced.generation, 1);
        assert.equal(advanced.rotatedAt, 5000);
        assert.equal(await store.refreshFamilies.advance(family.id, 0, 6000), false, 'a stale generation never advances');
      });

      test('refresh families: read with what a token needs of their user in one call; a missing user comes back undefined', async () => {
        const user = { ...makeUser(account.id, 'family_owner'), firstName: 'Ada' };
        await store.users.create(user);
        const family = makeFamily(account.id, client.publicKey, user.id);
        await store.refreshFamilies.create(family);
        const subject = { id: user.id, username: user.username, firstName: 'Ada', lastName: null, isActive: true, roles: user.roles };
        assert.deepEqual(await store.refreshFamilies.findWithSubject(family.id), { family, user: subject });
        await store.refreshFamilies.revoke(family.id, 'test', 7000);
        await store.users.setActive(account.id, user.id, false);
        assert.deepEqual(await store.refreshFamilies.findWithSubject(family.id), {
          family: { ...family, revokedAt: 7000, revokeReason: 'test' },
          user: { ...subject, isActive: false },
        });
        const orphan = makeFamily(account.id, client.publicKey, 'no-such-user');
        await store.refreshFamilies.create(orphan);
        assert.deepEqual(await store.refreshFamilies.findWithSubject(orphan.id), { family: orphan, user: undefined });
        assert.equal(await store.refreshFamilies.findWithSubject('no-such-family'), undefined);
      });

      test('refresh families: revoked ones never advance; the first revoke reason stays', async () => {
        const family = makeFamily(account.id, client.publicKey, 'u2');
        await store.refreshFamilies.create(family);
        await store.refreshFamilies.revoke(family.id, 'reuse', 7000);
        await store.refreshFamilies.revoke(family.id, 'revoked', 8000);
        const revoked = (await store.refreshFamilies.find(family.id))!;
        assert.equal(revoked.revokedAt, 7000);
        assert.equal(revoked.revokeReason, 'reuse');
        assert.equal(await store.refreshFamilies.advance(family.id, 0, 9000), false);
      });

      test('refresh families: revoking a user ends every family of that user only', async () => {
        const a = makeFamily(account.id, client.publicKey, 'u3');
        const b = makeFamily(account.id, client.publicKey, 'u3');
        const c = makeFamily(account.id, client.publicKey, 'u4');
        for (const f of [a, b, c]) await store.refreshFamilies.create(f);
        assert.equal(await store.refreshFamilies.revokeForUser(account.id, 'u3', 'user', 100), 2);
        assert.notEqual((await store.refreshFamilies.find(a.id))!.revokedAt, null);
        assert.notEqual((await store.refreshFamilies.find(b.id))!.revokedAt, null);
        assert.equal((await store.refreshFamilies.find(c.id))!.revokedAt, null);
      });
    });

    describe(`signing keys port (store.signingKeys)`, () => {
      test('signing keys: adding one retires the previous at the same instant', async () => {
        const first = generateSigningKey('EdDSA', 1000);
        const second = generateSigningKey('ES256', 2000);
        await store.signingKeys.add(first);
        await store.signingKeys.add(second);
        const keys = await store.signingKeys.list();
        assert.deepEqual(keys.map((k) => [k.kid, k.retiredAt]), [[first.kid, 2000], [second.kid, null]]);
        assert.equal(keys[1]!.privateKeyPem, second.privateKeyPem);
      });
    });
  });
}

export function makeAccount(name: string): Account {
  return { id: newObjectId(), name, createdAt: Date.now(), settings: { ...defaultAccountSettings } };
}

export function makeClient(accountId: string): Client {
  return { publicKey: newPublicKey(), accountId, createdAt: Date.now(), settings: { ...defaultClientSettings } };
}

function makeUser(accountId: string, username: string): User {
  return {
    id: newObjectId(),
    accountId,
    username,
    firstName: 'First',
    lastName: null,
    verified: false,
    isActive: true,
    phoneNumber: '+15555555555',
    emailAddress: null,
    roles: [],
    securityQuestions: [{ question: 'q?', answerHash: '$argon2id$x' }],
    anonymous: false,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$abc$def',
    createdAt: 1000,
    lastAccessed: null,
  };
}

let familySeq = 0;
export function makeFamily(accountId: string, clientId: string, userId: string): RefreshFamily {
  return {
    id: `family-${++familySeq}-${Math.random().toString(36).slice(2)}`,
    accountId,
    clientId,
    userId,
    scope: 'meshy.api offline_access',
    generation: 0,
    createdAt: 1000,
    rotatedAt: 1000,
    revokedAt: null,
    revokeReason: null,
  };
}
