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
import type { UserQuery, UserSort } from '../../src/modules/users/store.js';
import type { Grant, Permission, Role } from '../../src/modules/roles/types.js';

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

    describe(`users port: administration (store.users)`, () => {
      let club: Account;
      before(async () => {
        club = makeAccount('contract-users');
        await store.accounts.create(club, makeClient(club.id));
      });
      const member = (username: string, fields: Partial<User> = {}): User => ({ ...makeUser(club.id, username), ...fields });
      const query = (q: Partial<UserQuery> = {}): UserQuery => ({ activeOnly: false, orderBy: [], page: 1, pageSize: 25, ...q });
      const names = (page: { results: User[] }) => page.results.map((u) => u.username);

      test('search: a case-insensitive partial match on username, first or last name; LIKE characters are text', async () => {
        await store.users.create(member('zed_one', { firstName: 'Élodie', lastName: 'Martin' }));
        await store.users.create(member('amy', { firstName: null, lastName: 'Ｓmith' }));
        await store.users.create(member('Bob_100%', { firstName: 'Robert', lastName: null }));
        await store.users.create(member('carl', { firstName: 'Carl', lastName: 'Rob_erts', isActive: false }));
        assert.deepEqual(names(await store.users.search(club.id, query({ name: 'éLOD' }))), ['zed_one'], 'non-ASCII letters fold too');
        assert.deepEqual(names(await store.users.search(club.id, query({ name: 'SMITH' }))), ['amy'], 'compatibility forms fold (NFKC)');
        assert.deepEqual(names(await store.users.search(club.id, query({ name: 'rob' }))), ['Bob_100%', 'carl']);
        assert.deepEqual(names(await store.users.search(club.id, query({ name: 'B_1' }))), ['Bob_100%']);
        assert.deepEqual(names(await store.users.search(club.id, query({ name: 'o_e' }))), [], '_ matches only an underscore (not the n of zed_one)');
        assert.deepEqual(names(await store.users.search(club.id, query({ name: '%' }))), ['Bob_100%'], '% matches only a percent sign');
        assert.deepEqual(names(await store.users.search(club.id, query({ name: '\\' }))), [], 'a backslash is text');
        assert.deepEqual(names(await store.users.search(club.id, query({ name: 'rob', activeOnly: true }))), ['Bob_100%'], 'activeOnly leaves out inactive users');
      });

      test('search: pages in username order (case-insensitive), then id; totalRecords counts every match', async () => {
        const all = await store.users.search(club.id, query());
        assert.deepEqual(names(all), ['amy', 'Bob_100%', 'carl', 'zed_one']);
        assert.equal(all.totalRecords, 4);
        const second = await store.users.search(club.id, query({ page: 2, pageSize: 3 }));
        assert.deepEqual(names(second), ['zed_one']);
        assert.equal(second.totalRecords, 4);
        const past = await store.users.search(club.id, query({ page: 9, pageSize: 3 }));
        assert.deepEqual(past, { results: [], totalRecords: 4 }, 'a page past the end still counts');
        assert.deepEqual(await store.users.search(club.id, query({ name: 'nobody' })), { results: [], totalRecords: 0 });
        const found = all.results.find((u) => u.username === 'zed_one')!;
        assert.deepEqual(found, await store.users.findById(club.id, found.id), 'results are whole users');
      });

      test('search: orderBy in order, null before any value ascending and after descending, ties by id', async () => {
        const ordered = async (orderBy: UserSort[]) => names(await store.users.search(club.id, query({ orderBy })));
        assert.deepEqual(await ordered([{ field: 'lastName', direction: 1 }]), ['Bob_100%', 'zed_one', 'carl', 'amy']);
        assert.deepEqual(await ordered([{ field: 'lastName', direction: -1 }]), ['amy', 'carl', 'zed_one', 'Bob_100%']);
        assert.deepEqual(await ordered([{ field: 'firstName', direction: 1 }]), ['amy', 'carl', 'Bob_100%', 'zed_one'], 'by code point: É after R');
        assert.deepEqual(await ordered([{ field: 'username', direction: -1 }]), ['zed_one', 'carl', 'Bob_100%', 'amy']);
        const [a, b] = [member('tie_b', { lastAccessed: 5 }), member('tie_a', { lastAccessed: 5 })];
        await store.users.create(a);
        await store.users.create(b);
        const byAccess = await store.users.search(club.id, query({ orderBy: [{ field: 'lastAccessed', direction: -1 }], pageSize: 2 }));
        assert.deepEqual(byAccess.results.map((u) => u.id), [a.id, b.id].sort(), 'equal lastAccessed: by id');
        const both = await store.users.search(club.id, query({ orderBy: [{ field: 'lastAccessed', direction: -1 }, { field: 'username', direction: 1 }], pageSize: 2 }));
        assert.deepEqual(names(both), ['tie_a', 'tie_b']);
      });

      test('search: roleId keeps the holders of that role', async () => {
        const role: Role = { id: newObjectId(), accountId: club.id, name: 'Captain', description: null, createdAt: 1 };
        await store.roles.create(role);
        const zed = (await store.users.findByUsername(club.id, 'zed_one'))!;
        const carl = (await store.users.findByUsername(club.id, 'carl'))!;
        await store.roles.addMembers(club.id, role.id, [zed.id, carl.id], 10);
        assert.deepEqual(names(await store.users.search(club.id, query({ roleId: role.id }))), ['carl', 'zed_one']);
        assert.deepEqual(names(await store.users.search(club.id, query({ roleId: role.id, activeOnly: true }))), ['zed_one']);
        assert.equal((await store.users.search(club.id, query({ roleId: newObjectId() }))).totalRecords, 0);
        assert.equal((await store.users.search(account.id, query({ roleId: role.id }))).totalRecords, 0, 'scoped to the account');
      });

      test('personal information: replaced whole and searched by its new value; false for no such user', async () => {
        const dee = member('dee', { firstName: 'Dee', lastName: 'Old', emailAddress: 'dee@example.com' });
        await store.users.create(dee);
        const info = { firstName: 'Deirdre', lastName: null, phoneNumber: null, emailAddress: 'd@example.org' };
        assert.equal(await store.users.updatePersonalInformation(club.id, dee.id, info), true);
        assert.deepEqual(await store.users.findById(club.id, dee.id), { ...dee, ...info });
        assert.deepEqual(names(await store.users.search(club.id, query({ name: 'deird' }))), ['dee']);
        assert.deepEqual(names(await store.users.search(club.id, query({ name: 'old' }))), []);
        assert.equal(await store.users.updatePersonalInformation(club.id, newObjectId(), info), false);
        assert.equal(await store.users.updatePersonalInformation(account.id, dee.id, info), false, 'scoped to the account');
      });

      test('personal information: of concurrent updates one wins whole, never a mix', async () => {
        const eve = member('eve');
        await store.users.create(eve);
        const changes = Array.from({ length: 6 }, (_, i) => ({ firstName: `F${i}`, lastName: `L${i}`, phoneNumber: `+1555000000${i}`, emailAddress: `e${i}@example.com` }));
        await Promise.all(changes.map((c) => store.users.updatePersonalInformation(club.id, eve.id, c)));
        const found = (await store.users.findById(club.id, eve.id))!;
        const seen = { firstName: found.firstName, lastName: found.lastName, phoneNumber: found.phoneNumber, emailAddress: found.emailAddress };
        assert.ok(changes.some((c) => JSON.stringify(c) === JSON.stringify(seen)), JSON.stringify(seen));
      });

      test('security questions: replaced whole; false for no such user', async () => {
        const fay = member('fay');
        await store.users.create(fay);
        const questions = [{ question: 'Pet?', answerHash: '$argon2id$a' }, { question: 'Town?', answerHash: '$argon2id$b' }];
        assert.equal(await store.users.setSecurityQuestions(club.id, fay.id, questions), true);
        assert.deepEqual((await store.users.findById(club.id, fay.id))!.securityQuestions, questions);
        assert.equal(await store.users.setSecurityQuestions(club.id, newObjectId(), questions), false);
      });

      test('delete: the user, its memberships and its refresh families go; other users keep theirs', async () => {
        const role: Role = { id: newObjectId(), accountId: club.id, name: 'Crewman', description: null, createdAt: 1 };
        await store.roles.create(role);
        const [gus, hal] = [member('gus'), member('hal')];
        await store.users.create(gus);
        await store.users.create(hal);
        await store.roles.addMembers(club.id, role.id, [gus.id, hal.id], 10);
        const families = [makeFamily(club.id, 'client', gus.id), makeFamily(club.id, 'client', gus.id), makeFamily(club.id, 'client', hal.id)];
        for (const family of families) await store.refreshFamilies.create(family);
        assert.equal(await store.users.delete(account.id, gus.id), false, 'scoped to the account');
        assert.equal(await store.users.delete(club.id, gus.id), true);
        assert.equal(await store.users.findById(club.id, gus.id), undefined);
        assert.equal(await store.refreshFamilies.find(families[0]!.id), undefined);
        assert.equal(await store.refreshFamilies.find(families[1]!.id), undefined);
        assert.deepEqual(await store.refreshFamilies.find(families[2]!.id), families[2]);
        assert.equal((await store.roles.search(club.id, { name: 'crewman', page: 1, pageSize: 1 })).results[0]!.numberOfUsers, 1);
        assert.deepEqual(names(await store.users.search(club.id, query({ roleId: role.id }))), ['hal']);
        assert.equal(await store.users.delete(club.id, gus.id), false);
      });

      test('delete: of concurrent deletes exactly one succeeds; memberships added meanwhile do not survive it', async () => {
        const role: Role = { id: newObjectId(), accountId: club.id, name: 'Ensign', description: null, createdAt: 1 };
        await store.roles.create(role);
        const ivy = member('ivy');
        await store.users.create(ivy);
        const [added, ...deleted] = await Promise.all([
          store.roles.addMembers(club.id, role.id, [ivy.id], 20),
          store.users.delete(club.id, ivy.id),
          store.users.delete(club.id, ivy.id),
          store.users.delete(club.id, ivy.id),
        ]);
        assert.ok(added === 0 || added === 1);
        assert.equal(deleted.filter(Boolean).length, 1);
        assert.equal(await store.roles.addMembers(club.id, role.id, [ivy.id], 30), 0, 'a deleted user is no member');
        assert.equal((await store.roles.search(club.id, { name: 'ensign', page: 1, pageSize: 1 })).results[0]!.numberOfUsers, 0);
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

    describe('roles port (store.roles)', () => {
      let shop: Account;
      before(async () => {
        shop = makeAccount('contract-roles');
        await store.accounts.create(shop, makeClient(shop.id));
      });
      const role = (name: string): Role => ({ id: newObjectId(), accountId: shop.id, name, description: `${name} role`, createdAt: 1000 });
      const permission = (roleId: string, permissibleName: string, flags: Partial<Grant> = {}): Permission => ({
        id: newObjectId(),
        accountId: shop.id,
        roleId,
        permissibleName,
        create: false,
        read: true,
        update: false,
        delete: false,
        ...flags,
      });

      test('roles: create, find by id and by name regardless of case, unique names, scoped to the account', async () => {
        const admin = role('Admin');
        await store.roles.create(admin);
        assert.deepEqual(await store.roles.findById(shop.id, admin.id), admin);
        assert.deepEqual(await store.roles.findByName(shop.id, 'ADMIN'), admin);
        await assert.rejects(store.roles.create(role('admin')), UniqueViolation);
        assert.equal(await store.roles.findById(account.id, admin.id), undefined);
        const racing = await Promise.allSettled(['Racer', 'racer', 'RACER', 'Racer'].map((name) => store.roles.create(role(name))));
        assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1);
      });

      test('roles: search by a partial name, paged, with how many users hold each', async () => {
        for (const name of ['Editor', 'Reader', 'Redactor']) await store.roles.create(role(name));
        const all = await store.roles.search(shop.id, { page: 1, pageSize: 2 });
        assert.equal(all.totalRecords, 5);
        assert.deepEqual(all.results.map((r) => r.name), ['Admin', 'Editor']);
        const next = await store.roles.search(shop.id, { page: 2, pageSize: 2 });
        assert.deepEqual(next.results.map((r) => r.name.toLowerCase()), ['racer', 'reader'], 'the second page continues in name order');
        const red = await store.roles.search(shop.id, { name: 'ED', page: 1, pageSize: 25 });
        assert.deepEqual(red.results.map((r) => r.name), ['Editor', 'Redactor']);
        assert.equal(red.totalRecords, 2);
        // LIKE's own characters are text: "%" matches only a "%".
        assert.equal((await store.roles.search(shop.id, { name: '%', page: 1, pageSize: 25 })).totalRecords, 0);
        assert.equal(red.results[0]!.numberOfUsers, 0);
      });

      test('roles: update renames (unique names still), false for no such role', async () => {
        const r = role('Temp');
        await store.roles.create(r);
        assert.equal(await store.roles.update(shop.id, r.id, { name: 'Renamed', description: null }), true);
        assert.deepEqual(await store.roles.findById(shop.id, r.id), { ...r, name: 'Renamed', description: null });
        await assert.rejects(store.roles.update(shop.id, r.id, { name: 'admin', description: null }), UniqueViolation);
        assert.equal(await store.roles.update(shop.id, newObjectId(), { name: 'Nobody', description: null }), false);
      });

      test('members: added once (addedDate kept), anonymous and unknown users skipped, removed; a user reads its roles', async () => {
        const staff = role('Staff');
        await store.roles.create(staff);
        const ada = { ...makeUser(shop.id, 'ada_member'), createdAt: 1 };
        const anon = { ...makeUser(shop.id, 'anon_member'), anonymous: true };
        await store.users.create(ada);
        await store.users.create(anon);
        assert.equal(await store.roles.addMembers(shop.id, staff.id, [ada.id, anon.id, 'no-such-user'], 5000), 1);
        assert.equal(await store.roles.addMembers(shop.id, staff.id, [ada.id], 6000), 0);
        assert.deepEqual((await store.users.findById(shop.id, ada.id))!.roles, [{ name: 'Staff', addedDate: 5000 }]);
        assert.deepEqual((await store.users.findById(shop.id, anon.id))!.roles, []);
        assert.equal((await store.roles.search(shop.id, { name: 'staff', page: 1, pageSize: 25 })).results[0]!.numberOfUsers, 1);
        assert.equal(await store.roles.addMembers(shop.id, newObjectId(), [ada.id], 7000), 0, 'no such role: nothing added');
        assert.equal(await store.roles.removeMembers(shop.id, staff.id, [ada.id, anon.id]), 1);
        assert.deepEqual((await store.users.findById(shop.id, ada.id))!.roles, []);
      });

      test('members: concurrent adds and removes of one member leave it held once or not at all', async () => {
        const crew = role('Crew');
        await store.roles.create(crew);
        const bo = makeUser(shop.id, 'bo_member');
        await store.users.create(bo);
        const adds = await Promise.all(Array.from({ length: 10 }, (_, i) => store.roles.addMembers(shop.id, crew.id, [bo.id], 1000 + i)));
        assert.equal(adds.reduce((a, b) => a + b, 0), 1, 'exactly one of the concurrent adds added it');
        await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store.roles.addMembers(shop.id, crew.id, [bo.id], 2000) : store.roles.removeMembers(shop.id, crew.id, [bo.id]))));
        const held = (await store.users.findById(shop.id, bo.id))!.roles.filter((r) => r.name === 'Crew');
        assert.ok(held.length <= 1);
      });

      test('roles: deleting one removes its permissions and memberships, also while members are being added', async () => {
        const gone = role('Gone');
        await store.roles.create(gone);
        await store.roles.createPermission(permission(gone.id, 'meshes'));
        const cy = makeUser(shop.id, 'cy_member');
        await store.users.create(cy);
        await store.roles.addMembers(shop.id, gone.id, [cy.id], 1000);
        const [, deleted] = await Promise.all([store.roles.addMembers(shop.id, gone.id, [cy.id], 2000), store.roles.delete(shop.id, gone.id), store.roles.addMembers(shop.id, gone.id, [cy.id], 3000)]);
        assert.equal(deleted, true);
        assert.equal(await store.roles.findById(shop.id, gone.id), undefined);
        assert.deepEqual((await store.users.findById(shop.id, cy.id))!.roles, [], 'no user holds a deleted role');
        assert.deepEqual(await store.roles.listPermissions(shop.id, gone.id), []);
        assert.equal(await store.roles.delete(shop.id, gone.id), false);
        assert.equal(await store.roles.addMembers(shop.id, gone.id, [cy.id], 4000), 0);
      });

      test('permissions: create, find, search, update, delete; one per permissible of a role regardless of case', async () => {
        const ops = role('Ops');
        await store.roles.create(ops);
        const meshes = permission(ops.id, 'meshes', { create: true });
        await store.roles.createPermission(meshes);
        await store.roles.createPermission(permission(ops.id, 'users'));
        assert.deepEqual(await store.roles.findPermission(shop.id, ops.id, meshes.id), meshes);
        assert.equal(await store.roles.findPermission(account.id, ops.id, meshes.id), undefined);
        await assert.rejects(store.roles.createPermission(permission(ops.id, 'MESHES')), UniqueViolation);
        const racing = await Promise.allSettled(Array.from({ length: 4 }, () => store.roles.createPermission(permission(ops.id, 'roles'))));
        assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1);
        const page = await store.roles.searchPermissions(shop.id, ops.id, { page: 1, pageSize: 2 });
        assert.equal(page.totalRecords, 3);
        assert.deepEqual(page.results.map((p) => p.permissibleName), ['meshes', 'roles']);
        assert.deepEqual((await store.roles.searchPermissions(shop.id, ops.id, { permissibleName: 'USE', page: 1, pageSize: 25 })).results.map((p) => p.permissibleName), ['users']);
        const changed = { ...meshes, permissibleName: 'meshes.person', delete: true };
        assert.equal(await store.roles.updatePermission(changed), true);
        assert.deepEqual(await store.roles.findPermission(shop.id, ops.id, meshes.id), changed);
        await assert.rejects(store.roles.updatePermission({ ...changed, permissibleName: 'users' }), UniqueViolation);
        assert.equal(await store.roles.deletePermission(shop.id, ops.id, meshes.id), true);
        assert.equal(await store.roles.deletePermission(shop.id, ops.id, meshes.id), false);
        assert.deepEqual((await store.roles.listPermissions(shop.id, ops.id)).map((p) => p.permissibleName), ['roles', 'users']);
      });

      test('grants: every role of the account by lower-cased name, roles without permissions included', async () => {
        const grants = await store.roles.accountGrants(shop.id);
        assert.deepEqual(grants.get('ops'), [
          { permissibleName: 'roles', create: false, read: true, update: false, delete: false },
          { permissibleName: 'users', create: false, read: true, update: false, delete: false },
        ]);
        assert.deepEqual(grants.get('admin'), []);
        assert.equal(grants.get('gone'), undefined);
        assert.equal((await store.roles.accountGrants(account.id)).size, 0);
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

export function makeUser(accountId: string, username: string): User {
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
    securityStamp: 'stamp-0',
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
