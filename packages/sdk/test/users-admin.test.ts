import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeshyConnection, User } from '../src/index.js';
import { loginWithRole, recordingFetch, uniqueRoleName } from './helpers/admin.js';
import { meshyError } from './helpers/meshy-error.js';
import { anonymousLogin, clientFor, startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let admin: MeshyConnection;
let adminUserId: string;
const wire = recordingFetch();

before(async () => {
  t = await startTestServer();
  const logged = await loginWithRole(t, clientFor(t, { fetch: wire.fetch }), ['users:crud', 'roles:crud']);
  admin = logged.connection;
  adminUserId = logged.userId;
});
after(() => t.close());

/** A username of letters only, unique, that searches by name find alone. */
const freshUsername = (prefix: string) => `${prefix}${uniqueRoleName('').toLowerCase()}`;

describe('usersService administration', () => {
  test('create makes a user who can log in; get answers the same user', async () => {
    const username = freshUsername('tester');
    const created: User = await admin.usersService.create({
      username,
      newPassword: 'tester pa55word!',
      firstName: 'Tester',
      lastName: 'McTesterton',
      verified: true,
      isActive: true,
    });
    assert.equal(created.username, username);
    assert.equal(created.firstName, 'Tester');
    assert.equal(created.verified, true);
    assert.equal(created.isActive, true);
    assert.equal(created.anonymous, false);
    assert.deepEqual(await admin.usersService.get(created.id), created);

    const own = await clientFor(t).login(username, 'tester pa55word!');
    assert.equal((await own.usersService.getSelf()).id, created.id);
  });

  test('a created user holds the roles given, which they can see in their token', async () => {
    const role = await admin.rolesService.create({ name: uniqueRoleName('Staff') });
    const username = freshUsername('staff');
    const created = await admin.usersService.create({ username, newPassword: 'staff pa55word!', verified: true, isActive: true, roles: [{ name: role.name }] });
    assert.deepEqual(created.roles.map((r) => r.name), [role.name]);
    const own = await clientFor(t).login(username, 'staff pa55word!');
    assert.deepEqual(own.currentUser!.roles, [role.name]);
  });

  test('search takes an object as the docs write it, or the same fields as arguments', async () => {
    const prefix = freshUsername('searcher');
    const names = [`${prefix}b`, `${prefix}a`, `${prefix}c`];
    for (const username of names) await admin.usersService.create({ username, newPassword: 'pa55word!', verified: true, isActive: username !== `${prefix}c` });

    const from = wire.sent.length;
    const asObject = await admin.usersService.search({ name: prefix, orderBy: { username: 1 }, page: 1, pageSize: 10 });
    const asArguments = await admin.usersService.search(prefix, undefined, '{"username":1}', undefined, 1, 10);
    assert.deepEqual(asArguments, asObject);
    assert.deepEqual(asObject.results.map((u) => u.username), [`${prefix}a`, `${prefix}b`], 'inactive users are left out by default');
    assert.equal(asObject.totalRecords, 2);
    assert.equal(wire.sent[from]!.url, `${t.base}/users?${new URLSearchParams({ name: prefix, orderBy: '{"username":1}', page: '1', pageSize: '10' })}`);

    const everyone = await admin.usersService.search({ name: prefix, activeOnly: false, orderBy: '{"username":-1}' });
    assert.deepEqual(everyone.results.map((u) => u.username), [`${prefix}c`, `${prefix}b`, `${prefix}a`]);
    assert.match(wire.sent.at(-1)!.url, /[?&]activeOnly=false(&|$)/);
  });

  test('update changes the personal information of another user', async () => {
    const username = freshUsername('updated');
    const created = await admin.usersService.create({ username, newPassword: 'pa55word!', verified: true, isActive: true });
    const updated = await admin.usersService.update(created.id, { username, firstName: 'New', lastName: 'Name', emailAddress: 'new@example.com' });
    assert.equal(updated.id, created.id);
    assert.equal(updated.firstName, 'New');
    assert.equal(updated.lastName, 'Name');
    assert.equal(updated.emailAddress, 'new@example.com');
    assert.deepEqual(await admin.usersService.get(created.id), updated);
    // A user read earlier can be changed and passed back as it is.
    const again = await admin.usersService.update(created.id, { ...updated, firstName: 'Again' });
    assert.equal(again.firstName, 'Again');
    assert.equal(again.emailAddress, 'new@example.com');
    // The personal information is replaced whole: what is left out is cleared.
    const partial = await admin.usersService.update(created.id, { username, firstName: 'Only' });
    assert.deepEqual([partial.firstName, partial.lastName, partial.emailAddress], ['Only', null, null]);
  });

  test("updateUserSecurityQuestion replaces another user's questions when the account recovers by question", async () => {
    const created = await admin.usersService.create({ username: freshUsername('asked'), newPassword: 'pa55word!', verified: true, isActive: true });
    const notConfigured = await meshyError(admin.usersService.updateUserSecurityQuestion(created.id, { securityQuestions: [{ question: 'Why?', answer: 'Because.' }] }));
    assert.equal(notConfigured.statusCode, 400);
    assert.equal(notConfigured.reason, 'Unable to update security questions if question verification is not configured.');
    await t.setAccountSettings({ recovery: 'question' });
    try {
      const questions = [{ question: 'First pet?', answer: 'Rex' }, { question: 'First street?', answer: 'Main' }];
      assert.equal(await admin.usersService.updateUserSecurityQuestion(created.id, { securityQuestions: questions }), undefined);
      assert.deepEqual((await admin.usersService.get(created.id)).securityQuestions, questions.map((q) => ({ question: q.question, answer: '...' })));
    } finally {
      await t.setAccountSettings({ recovery: 'none' });
    }
  });

  test('delete removes a user; a user cannot delete themself', async () => {
    const created = await admin.usersService.create({ username: freshUsername('deleted'), newPassword: 'pa55word!', verified: true, isActive: true });
    assert.equal(await admin.usersService.delete(created.id), undefined);
    const gone = await meshyError(admin.usersService.get(created.id));
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.reason, 'User is not found.');
    const self = await meshyError(admin.usersService.delete(adminUserId));
    assert.equal(self.statusCode, 400);
    assert.equal(self.reason, 'User is not able to delete self.');
  });

  test('a user without permissions on users gets 403 with the reason of each action', async () => {
    const { connection } = await anonymousLogin(clientFor(t));
    const read = await meshyError(connection.usersService.get(adminUserId));
    assert.equal(read.statusCode, 403);
    assert.equal(read.reason, 'User has insufficent permission to read users.');
    const create = await meshyError(connection.usersService.create({ username: freshUsername('nope'), newPassword: 'pa55word!' }));
    assert.equal(create.statusCode, 403);
    assert.equal(create.reason, 'User has insufficent permission to create users.');
    const remove = await meshyError(connection.usersService.delete(adminUserId));
    assert.equal(remove.statusCode, 403);
    assert.equal(remove.reason, 'User has insufficent permission to delete users.');
    // Their own user stays theirs to read.
    assert.equal((await connection.usersService.getSelf()).anonymous, true);
  });
});
