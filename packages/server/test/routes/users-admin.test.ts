import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from '../helpers/http.js';
import { giveRole, grantsOf, signedInUser } from '../helpers/roles.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login, passwordGrant, refreshGrant } from '../helpers/tokens.js';

const NO_SUCH_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const PASSWORD = 'a long enough password';

/** users/*.rst, black box: creating, reading, searching, updating and deleting other users. */
describe('users administration', () => {
  let t: TestServer;
  let admin: string;
  /** Holds the role Clerk (users:crud) and may not update roles. */
  let clerk: string;
  const call = (method: string, path: string, body?: unknown, token = admin) =>
    request(`${t.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const reason = (res: { status: number; body?: { message?: string; code?: string } }) => `${res.status} ${res.body?.code}: ${res.body?.message}`;
  const create = async (body: Record<string, unknown>, token = admin) => {
    const res = await call('POST', '/users', { newPassword: PASSWORD, isActive: true, ...body }, token);
    assert.equal(res.status, 201, reason(res));
    return res.body;
  };
  const storedUser = async (id: string) => {
    const account = (await t.server.store.accounts.findByName('test'))!;
    return t.server.store.users.findById(account.id, id);
  };

  before(async () => {
    t = await startTestServer();
    admin = await signedInUser(t, 'root_admin');
    await giveRole(t, 'root_admin', 'Admin', grantsOf({ users: 'crud', roles: 'crud' }));
    clerk = await signedInUser(t, 'clerk');
    await giveRole(t, 'clerk', 'Clerk', grantsOf({ users: 'crud' }));
    await call('POST', '/roles', { name: 'Auditor' });
  });
  after(() => t.close());

  test('POST /users: 201 with the user JSON, never accessed; the user logs in with its password; GET answers the same', async () => {
    const res = await call('POST', '/users', {
      username: 'username_testermctesterson',
      firstName: 'Tester',
      lastName: 'McTesterton',
      phoneNumber: '+15555555555',
      emailAddress: 'test@test.com',
      securityQuestions: [{ question: 'What would you say to this question?', answer: 'mceasy123' }],
      newPassword: 'newPassword',
      verified: true,
      isActive: true,
      roles: [],
    });
    assert.equal(res.status, 201, reason(res));
    assert.match(res.body.id, /^[0-9a-f]{24}$/);
    assert.deepEqual(res.body, {
      id: res.body.id,
      username: 'username_testermctesterson',
      firstName: 'Tester',
      lastName: 'McTesterton',
      verified: true,
      isActive: true,
      phoneNumber: '+15555555555',
      emailAddress: 'test@test.com',
      roles: [],
      securityQuestions: [{ question: 'What would you say to this question?', answer: '...' }],
      anonymous: false,
      lastAccessed: null,
    });
    assert.deepEqual((await call('GET', `/users/${res.body.id}`)).body, res.body);
    // Password and answer are stored as argon2id hashes only.
    const stored = (await storedUser(res.body.id))!;
    assert.match(stored.passwordHash!, /^\$argon2id\$/);
    assert.match(stored.securityQuestions[0]!.answerHash, /^\$argon2id\$/);
    assert.ok(!JSON.stringify(stored).includes('mceasy123') && !JSON.stringify(stored).includes('newPassword'));
    assert.equal((await passwordGrant(t, 'username_testermctesterson', 'newPassword')).status, 200);
  });

  test('POST /users: verified and isActive default to false, as the docs say; an inactive user cannot log in', async () => {
    const res = await call('POST', '/users', { username: 'defaults_user', newPassword: PASSWORD });
    assert.equal(res.status, 201, reason(res));
    assert.equal(res.body.verified, false);
    assert.equal(res.body.isActive, false);
    const loggedIn = await passwordGrant(t, 'defaults_user', PASSWORD);
    assert.equal(loggedIn.status, 400);
    assert.equal(loggedIn.body.error_description, 'User is no longer active.');
  });

  test("POST /users: registration's checks and sentences", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ newPassword: PASSWORD }, '400 username_field_required: Username is a required field.'],
      [{ username: '   ', newPassword: PASSWORD }, '400 username_field_required: Username is a required field.'],
      [{ username: 'x_new', emailAddress: 'not-an-address', newPassword: PASSWORD }, '400 email_invalid: Email address must be in a valid format.'],
      [{ username: 'x_new', phoneNumber: '5555555555', newPassword: PASSWORD }, '400 phone_invalid: Phone number must be in an international format.'],
      [{ username: 'x_new' }, '400 password_required: New password is required.'],
      [{ username: 'x_new', newPassword: 'nopassword' }, '400 password_reserved: New password cannot be the anonymous password.'],
      [{ username: 'ROOT_ADMIN', newPassword: PASSWORD }, '400 username_taken: Username must be unique.'],
      [{ username: 'x_new', newPassword: PASSWORD, verified: 'yes' }, '400 field_invalid: verified must be a boolean.'],
      [{ username: 'x_new', newPassword: PASSWORD, roles: 'Admin' }, '400 field_invalid: roles must be a list.'],
    ];
    for (const [body, expected] of cases) assert.equal(reason(await call('POST', '/users', body)), expected, JSON.stringify(body));
    await t.setAccountSettings({ recovery: 'email' });
    try {
      assert.equal(reason(await call('POST', '/users', { username: 'x_new', newPassword: PASSWORD })), '400 email_required: Email address is required when Email recovery is enabled.');
    } finally {
      await t.setAccountSettings({ recovery: 'none' });
    }
    assert.equal((await call('GET', '/users?name=x_new&activeOnly=false')).body.totalRecords, 0, 'nothing was created');
  });

  test('POST /users with roles, by name or id: anyone who may update roles gives any role', async () => {
    const auditor = (await call('GET', '/roles?name=auditor')).body.results[0].id as string;
    const user = await create({ username: 'with_roles', roles: [{ name: 'clerk' }, { id: auditor }, { name: 'Auditor' }] });
    assert.deepEqual(user.roles.map((r: { name: string }) => r.name).sort(), ['Auditor', 'Clerk']);
    for (const role of user.roles) assert.ok(!Number.isNaN(Date.parse(role.addedDate)));
    assert.deepEqual((await call('GET', `/users/${user.id}`)).body.roles, user.roles);
    assert.equal(reason(await call('POST', '/users', { username: 'x_new', newPassword: PASSWORD, roles: [{ name: 'Nobody' }] })), '400 user_role_not_found: Role does not exist.');
    assert.equal(reason(await call('POST', '/users', { username: 'x_new', newPassword: PASSWORD, roles: [{ id: NO_SUCH_ID }] })), '400 user_role_not_found: Role does not exist.');
    assert.equal(reason(await call('POST', '/users', { username: 'x_new', newPassword: PASSWORD, roles: [{}] })), '400 field_invalid: Each role needs a name or an id.');
  });

  test('POST /users with roles: without permission to update roles, only roles the caller holds', async () => {
    const held = await create({ username: 'clerks_pick', roles: [{ name: 'Clerk' }] }, clerk);
    assert.deepEqual(held.roles.map((r: { name: string }) => r.name), ['Clerk']);
    const notHeld =
      '400 user_roles_not_held: User cannot add roles they do not already have assigned. If a user has the update role permission they can assign any role to any user. However if they do not have this permission they can only assign roles they currently have assigned to themselves.';
    for (const roles of [[{ name: 'Admin' }], [{ name: 'Clerk' }, { name: 'Auditor' }], [{ name: 'Nobody' }], [{ id: NO_SUCH_ID }]]) {
      assert.equal(reason(await call('POST', '/users', { username: 'x_new', newPassword: PASSWORD, roles }, clerk)), notHeld, JSON.stringify(roles));
    }
    assert.equal((await call('GET', '/users?name=x_new&activeOnly=false')).body.totalRecords, 0, 'nothing was created');
  });

  test('GET /users/{id}: 404 "User is not found." for an id of no user', async () => {
    assert.equal(reason(await call('GET', `/users/${NO_SUCH_ID}`)), '404 user_not_found: User is not found.');
    assert.equal(reason(await call('GET', '/users/not-an-id')), '404 user_not_found: User is not found.');
  });

  test('GET /users: name matches username, first or last name in any case; activeOnly defaults to true; roleId; paged', async () => {
    const ids: Record<string, string> = {};
    for (const [username, firstName, lastName, isActive] of [
      ['srch_zoe', 'Zoë', 'Quill', true],
      ['srch_amy', 'Amy', 'Pond', true],
      ['srch_bo', null, 'Ellis', false],
      ['srch_cy', 'Cyrus', 'PONDER', true],
    ] as const) {
      ids[username] = (await create({ username, firstName, lastName, isActive })).id;
    }
    const names = async (query: string) => {
      const res = await call('GET', `/users?${query}`);
      assert.equal(res.status, 200, reason(res));
      return res.body.results.map((u: { username: string }) => u.username);
    };
    assert.deepEqual(await names('name=SRCH'), ['srch_amy', 'srch_cy', 'srch_zoe'], 'inactive users are left out by default');
    assert.deepEqual(await names('name=srch&activeOnly=false'), ['srch_amy', 'srch_bo', 'srch_cy', 'srch_zoe']);
    assert.deepEqual(await names('name=srch&activeOnly=true'), ['srch_amy', 'srch_cy', 'srch_zoe']);
    assert.deepEqual(await names('name=pond'), ['srch_amy', 'srch_cy'], 'last names, partially, in any case');
    assert.deepEqual(await names('name=ZOË'), ['srch_zoe'], 'first names, non-ASCII letters too');
    assert.deepEqual(await names('name=ellis&activeOnly=false'), ['srch_bo']);
    assert.deepEqual(await names(`name=${encodeURIComponent('%')}`), [], 'LIKE characters are text');
    const page = await call('GET', '/users?name=srch&pageSize=2&page=2&activeOnly=false');
    assert.deepEqual(Object.keys(page.body), ['page', 'pageSize', 'results', 'totalRecords']);
    assert.equal(page.body.page, 2);
    assert.equal(page.body.pageSize, 2);
    assert.equal(page.body.totalRecords, 4);
    assert.deepEqual(page.body.results.map((u: { username: string }) => u.username), ['srch_cy', 'srch_zoe']);
    assert.deepEqual(page.body.results[1], (await call('GET', `/users/${ids.srch_zoe}`)).body, 'results are the user JSON');
    assert.equal((await call('GET', '/users?name=srch')).body.pageSize, 25);

    const auditor = (await call('GET', '/roles?name=auditor')).body.results[0].id as string;
    assert.equal((await call('POST', `/roles/${auditor}/users`, { users: [{ id: ids.srch_bo }, { id: ids.srch_zoe }] })).status, 204);
    assert.deepEqual(await names(`roleId=${auditor}&activeOnly=false&name=srch`), ['srch_bo', 'srch_zoe']);
    assert.deepEqual(await names(`roleId=${NO_SUCH_ID}`), []);
  });

  test('GET /users: orderBy in MongoDB format, as JSON or with single quotes; anything else is order_by_invalid', async () => {
    const names = async (orderBy: string) => {
      const res = await call('GET', `/users?name=srch&activeOnly=false&orderBy=${encodeURIComponent(orderBy)}`);
      assert.equal(res.status, 200, reason(res));
      return res.body.results.map((u: { username: string }) => u.username);
    };
    assert.deepEqual(await names('{"username":-1}'), ['srch_zoe', 'srch_cy', 'srch_bo', 'srch_amy']);
    assert.deepEqual(await names("{ 'lastName': -1 }"), ['srch_zoe', 'srch_amy', 'srch_cy', 'srch_bo'], 'by code point: Pond after PONDER');
    assert.deepEqual(await names('{ firstName: 1 }'), ['srch_bo', 'srch_amy', 'srch_cy', 'srch_zoe'], 'no first name comes first');
    assert.deepEqual(await names('{}'), ['srch_amy', 'srch_bo', 'srch_cy', 'srch_zoe']);
    const invalid = '400 order_by_invalid: OrderBy is in an invalid format. It must be in a valid Mongo DB format.';
    for (const orderBy of ['username', '{"username":2}', '{"emailAddress":1}', '{"passwordHash":1}', '{"username":1', 'x'.repeat(2000)]) {
      assert.equal(reason(await call('GET', `/users?orderBy=${encodeURIComponent(orderBy)}`)), invalid, orderBy);
    }
  });

  test('GET /users: bad paging and flags are 400s with a reason', async () => {
    assert.equal(reason(await call('GET', '/users?page=0')), '400 page_invalid: Page must be a whole number from 1.');
    assert.equal(reason(await call('GET', '/users?page=x')), '400 page_invalid: Page must be a whole number from 1.');
    assert.equal(reason(await call('GET', '/users?pageSize=201')), '400 page_size_invalid: Page size must be a whole number from 1 to 200.');
    assert.equal((await call('GET', '/users?pageSize=200')).status, 200);
    assert.equal(reason(await call('GET', '/users?activeOnly=maybe')), '400 field_invalid: activeOnly must be a boolean.');
  });

  test('PUT /users/{id}: the personal information replaced whole; GET, change, PUT back works', async () => {
    const user = await create({ username: 'put_target', firstName: 'Old', lastName: 'Name', emailAddress: 'old@example.com', phoneNumber: '+15550000000' });
    const res = await call('PUT', `/users/${user.id}`, { firstName: 'Tester', lastName: 'McTesterton', phoneNumber: '+15555555555', emailAddress: 'test@test.com' });
    assert.equal(res.status, 200, reason(res));
    assert.deepEqual(res.body, { ...user, firstName: 'Tester', lastName: 'McTesterton', phoneNumber: '+15555555555', emailAddress: 'test@test.com' });
    assert.deepEqual((await call('GET', `/users/${user.id}`)).body, res.body);
    const cleared = await call('PUT', `/users/${user.id}`, { firstName: 'Only' });
    assert.deepEqual([cleared.body.firstName, cleared.body.lastName, cleared.body.phoneNumber, cleared.body.emailAddress], ['Only', null, null, null]);
    // What GET answered, sent back with a change: username, roles and the rest come along unchanged.
    const roundTrip = { ...(await call('GET', `/users/${user.id}`)).body, lastName: 'Again', isActive: false, verified: true };
    const back = await call('PUT', `/users/${user.id}`, roundTrip);
    assert.equal(back.status, 200, reason(back));
    assert.equal(back.body.lastName, 'Again');
    assert.equal(back.body.isActive, true, 'isActive is not personal information');
    assert.equal(back.body.verified, false);
    assert.deepEqual((await call('GET', '/users?name=again')).body.results.map((u: { id: string }) => u.id), [user.id], 'searched by its new name');
  });

  test("PUT /users/{id}: the docs' reasons; roles and username cannot change", async () => {
    const user = await create({ username: 'put_rules', roles: [{ name: 'Auditor' }] });
    const cases: [Record<string, unknown>, string][] = [
      [{ username: null }, '400 username_field_required: Username is a required field.'],
      [{ username: '  ' }, '400 username_field_required: Username is a required field.'],
      [{ username: 'someone_else' }, '400 username_unchangeable: Unable to change username via API.'],
      [{ emailAddress: 'nope' }, '400 email_invalid: Email address must be in a valid format.'],
      [{ phoneNumber: '12' }, '400 phone_invalid: Phone number must be in an international format.'],
      [{ roles: [] }, '400 user_roles_unchangeable: Unable to change user roles via API.'],
      [{ roles: [{ name: 'Auditor' }, { name: 'Admin' }] }, '400 user_roles_unchangeable: Unable to change user roles via API.'],
      [{ firstName: 5 }, '400 field_invalid: firstName must be a string.'],
    ];
    for (const [body, expected] of cases) assert.equal(reason(await call('PUT', `/users/${user.id}`, body)), expected, JSON.stringify(body));
    assert.equal((await call('PUT', `/users/${user.id}`, { username: 'PUT_RULES', roles: [{ name: 'auditor' }], firstName: 'Same' })).status, 200, 'its own username and roles');
    assert.deepEqual((await call('GET', `/users/${user.id}`)).body.roles.map((r: { name: string }) => r.name), ['Auditor']);
    assert.equal(reason(await call('PUT', `/users/${NO_SUCH_ID}`, { firstName: 'x' })), '404 user_not_found: User is not found.');

    const anonymous = (await call('GET', '/users/me', undefined, (await login(t)).access_token)).body.id as string;
    await t.setAccountSettings({ recovery: 'email' });
    try {
      assert.equal(reason(await call('PUT', `/users/${user.id}`, { firstName: 'x' })), '400 user_email_required: Email address is required when Email recovery is enabled and the user is not anonymous.');
      assert.equal((await call('PUT', `/users/${anonymous}`, { firstName: 'x' })).status, 200, 'unless the user is anonymous');
      await t.setAccountSettings({ recovery: 'text' });
      assert.equal(reason(await call('PUT', `/users/${user.id}`, { emailAddress: 'a@b.co' })), '400 user_phone_required: Phone number is required when Text recovery is enabled and the user is not anonymous.');
    } finally {
      await t.setAccountSettings({ recovery: 'none' });
    }
  });

  test("POST /users/{id}/questions: 204, answers hashed; the docs' reasons", async () => {
    const user = await create({ username: 'questions_target' });
    const body = { securityQuestions: [{ question: 'What would you say to this question?', answer: 'secret answer' }] };
    assert.equal(
      reason(await call('POST', `/users/${user.id}/questions`, body)),
      '400 security_questions_not_configured: Unable to update security questions if question verification is not configured.',
    );
    await t.setAccountSettings({ recovery: 'question' });
    try {
      const res = await call('POST', `/users/${user.id}/questions`, body);
      assert.equal(res.status, 204, reason(res));
      assert.deepEqual((await call('GET', `/users/${user.id}`)).body.securityQuestions, [{ question: 'What would you say to this question?', answer: '...' }]);
      const stored = (await storedUser(user.id))!;
      assert.match(stored.securityQuestions[0]!.answerHash, /^\$argon2id\$/);
      assert.ok(!JSON.stringify(stored).includes('secret answer'));

      const anonymous = (await call('GET', '/users/me', undefined, (await login(t)).access_token)).body.id as string;
      const cases: [string, unknown, string][] = [
        [anonymous, body, '400 security_questions_anonymous: Anonymous user cannot have security questions.'],
        [user.id, {}, '400 security_questions_empty: At least one question is required.'],
        [user.id, { securityQuestions: [] }, '400 security_questions_empty: At least one question is required.'],
        [user.id, { securityQuestions: [{ question: ' ', answer: 'a' }] }, '400 security_question_text_required: Question text is required.'],
        [user.id, { securityQuestions: [{ answer: 'a' }] }, '400 security_question_text_required: Question text is required.'],
        [user.id, { securityQuestions: [{ question: 'Q?', answer: '' }] }, '400 security_answer_required: Answer is required.'],
        [user.id, { securityQuestions: [{ question: 'Q?' }] }, '400 security_answer_required: Answer is required.'],
        [NO_SUCH_ID, body, '404 user_not_found: User is not found.'],
      ];
      for (const [id, input, expected] of cases) assert.equal(reason(await call('POST', `/users/${id}/questions`, input)), expected, JSON.stringify(input));
    } finally {
      await t.setAccountSettings({ recovery: 'none' });
    }
  });

  test('DELETE /users/{id}: 204; the user, its roles and its tokens are gone; never oneself; 404 after', async () => {
    const auditors = async () => (await call('GET', '/roles?name=auditor')).body.results[0].numberOfUsers as number;
    const user = await create({ username: 'doomed', roles: [{ name: 'Auditor' }] });
    const tokens = await passwordGrant(t, 'doomed', PASSWORD);
    assert.equal(tokens.status, 200);
    const holders = await auditors();
    assert.equal((await call('DELETE', `/users/${user.id}`)).status, 204);
    assert.equal(reason(await call('GET', `/users/${user.id}`)), '404 user_not_found: User is not found.');
    assert.equal(await auditors(), holders - 1, 'its memberships went with it');
    const refreshed = await refreshGrant(t, tokens.body.refresh_token);
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error_description, 'Token is invalid.');
    assert.equal((await call('GET', '/users/me', undefined, tokens.body.access_token)).status, 401);
    assert.equal((await passwordGrant(t, 'doomed', PASSWORD)).body.error_description, 'Username is invalid.');
    assert.equal(reason(await call('DELETE', `/users/${user.id}`)), '404 user_not_found: User is not found.');

    const self = (await call('GET', '/users/me')).body.id as string;
    assert.equal(reason(await call('DELETE', `/users/${self}`)), '400 user_delete_self: User is not able to delete self.');
    assert.equal((await call('GET', '/users/me')).status, 200);
  });

  test('every route needs its users permission: 403 with its documented sentence, 401 without a token', async () => {
    const plain = await signedInUser(t, 'plain_user');
    const cases: [string, string, unknown, string][] = [
      ['POST', '/users', { username: 'x', newPassword: PASSWORD }, 'User has insufficent permission to create users.'],
      ['GET', `/users/${NO_SUCH_ID}`, undefined, 'User has insufficent permission to read users.'],
      ['GET', '/users', undefined, 'User has insufficent permission to read users.'],
      ['PUT', `/users/${NO_SUCH_ID}`, {}, 'User has insufficent permission to update users.'],
      ['POST', `/users/${NO_SUCH_ID}/questions`, {}, 'User has insufficent permission to update users.'],
      ['DELETE', `/users/${NO_SUCH_ID}`, undefined, 'User has insufficent permission to delete users.'],
    ];
    for (const [method, path, body, sentence] of cases) {
      const res = await call(method, path, body, plain);
      assert.equal(`${res.status} ${res.body.message}`, `403 ${sentence}`, `${method} ${path}`);
      const anonymous = await request(`${t.base}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      assert.equal(anonymous.status, 401, `${method} ${path} without a token`);
    }
    // A reader reads and does nothing else.
    const reader = await signedInUser(t, 'reader_user');
    await giveRole(t, 'reader_user', 'UserReaders', grantsOf({ users: 'r' }));
    assert.equal((await call('GET', '/users', undefined, reader)).status, 200);
    assert.equal((await call('DELETE', `/users/${NO_SUCH_ID}`, undefined, reader)).status, 403);
  });
});
