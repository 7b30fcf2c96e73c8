import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { get, postJson, request } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const reasonOf = (res: { body: { message: string } }) => res.body.message;

describe('users: exists and anonymous registration (users/creating_users.rst)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('registering an anonymous user answers 201 with the documented user JSON', async () => {
    const res = await postJson(`${t.base}/users/register/anonymous`, { username: 'username_testermctesterson' });
    assert.equal(res.status, 201);
    assert.match(res.body.id, /^[0-9a-f]{24}$/);
    assert.deepEqual({ ...res.body, id: 'x', lastAccessed: 'x' }, {
      id: 'x',
      username: 'username_testermctesterson',
      firstName: null,
      lastName: null,
      verified: false,
      isActive: true,
      phoneNumber: null,
      emailAddress: null,
      roles: [],
      securityQuestions: [],
      anonymous: true,
      lastAccessed: 'x',
    });
    assert.ok(!Number.isNaN(Date.parse(res.body.lastAccessed)));
  });

  test('exists tells registered usernames apart, case-insensitively', async () => {
    await postJson(`${t.base}/users/register/anonymous`, { username: 'Existing_User' });
    assert.deepEqual((await get(`${t.base}/users/existing_user/exists`)).body, { exists: true });
    assert.deepEqual((await get(`${t.base}/users/somebody_else/exists`)).body, { exists: false });
    assert.deepEqual((await get(`${t.base}/users/${encodeURIComponent('Existing_User')}/exists`)).body, { exists: true });
  });

  test('exists with a blank username: "Username is required."', async () => {
    const res = await get(`${t.base}/users/%20/exists`);
    assert.equal(res.status, 400);
    assert.equal(reasonOf(res), 'Username is required.');
  });

  test('a username is generated when none is given', async () => {
    for (const body of [{}, { username: null }, undefined]) {
      const res =
        body === undefined
          ? await request(`${t.base}/users/register/anonymous`, { method: 'POST' })
          : await postJson(`${t.base}/users/register/anonymous`, body);
      assert.equal(res.status, 201);
      assert.match(res.body.username, /^anonymous_[0-9a-f-]{36}$/);
    }
  });

  test('a blank username: "Username is a required field."', async () => {
    const res = await postJson(`${t.base}/users/register/anonymous`, { username: '   ' });
    assert.equal(res.status, 400);
    assert.equal(reasonOf(res), 'Username is a required field.');
  });

  test('a taken username, in any case: "Username must be unique."', async () => {
    await postJson(`${t.base}/users/register/anonymous`, { username: 'twin' });
    const res = await postJson(`${t.base}/users/register/anonymous`, { username: 'TWIN' });
    assert.equal(res.status, 400);
    assert.equal(reasonOf(res), 'Username must be unique.');
    assert.equal(res.body.code, 'username_taken');
  });

  test('anonymous registration switched off: "Anonymous registration is not enabled."', async () => {
    await t.setAccountSettings({ anonymousRegistration: false });
    try {
      const res = await postJson(`${t.base}/users/register/anonymous`, { username: 'nobody' });
      assert.equal(res.status, 400);
      assert.equal(reasonOf(res), 'Anonymous registration is not enabled.');
    } finally {
      await t.setAccountSettings({ anonymousRegistration: true });
    }
  });

  test('wrong field types are refused with a reason, not coerced', async () => {
    const res = await postJson(`${t.base}/users/register/anonymous`, { username: 42 });
    assert.equal(res.status, 400);
    assert.equal(reasonOf(res), 'username must be a string.');
    const array = await postJson(`${t.base}/users/register/anonymous`, [1, 2]);
    assert.equal(array.status, 400);
  });
});

describe('users: public registration (users/creating_users.rst)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  const register = (body: unknown) => postJson(`${t.base}/users/register`, body);
  const full = {
    username: 'username_testermctesterson',
    firstName: 'Tester',
    lastName: 'McTesterton',
    phoneNumber: '+15555555555',
    emailAddress: 'test@test.com',
    securityQuestions: [{ question: 'What would you say to this question?', answer: 'mceasy123' }],
    newPassword: 'newPassword',
  };

  test('the documented body registers a user: 204, and the username then exists', async () => {
    const res = await register(full);
    assert.equal(res.status, 204);
    assert.deepEqual((await get(`${t.base}/users/username_testermctesterson/exists`)).body, { exists: true });
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ['no username', { newPassword: 'pw-123456' }, 'Username is a required field.'],
    ['blank username', { username: ' ', newPassword: 'pw-123456' }, 'Username is a required field.'],
    ['bad e-mail', { username: 'e1', newPassword: 'pw-123456', emailAddress: 'not-an-email' }, 'Email address must be in a valid format.'],
    ['national phone', { username: 'p1', newPassword: 'pw-123456', phoneNumber: '5555555555' }, 'Phone number must be in an international format.'],
    ['taken username', { ...full, username: 'USERNAME_testermctesterson' }, 'Username must be unique.'],
  ];
  for (const [name, body, reason] of cases) {
    test(`${name}: "${reason}"`, async () => {
      const res = await register(body);
      assert.equal(res.status, 400);
      assert.equal(reasonOf(res), reason);
    });
  }

  // The sentences of the hand-written checks the route schema replaced, kept word for word.
  const malformed: [string, unknown, string, string][] = [
    ['a list body', [1, 2], 'body_malformed', 'Request body must be a JSON object.'],
    ['a number body', 7, 'body_malformed', 'Request body must be a JSON object.'],
    ['a string body', '"text"', 'body_malformed', 'Request body must be a JSON object.'],
    ['a number for a name', { username: 'n1', newPassword: 'pw-123456', firstName: 5 }, 'field_invalid', 'firstName must be a string.'],
    ['an over-long field', { username: 'n2', newPassword: 'pw-123456', lastName: 'x'.repeat(4097) }, 'field_invalid', 'lastName must be at most 4096 characters.'],
    ['questions that are no list', { username: 'n3', newPassword: 'pw-123456', securityQuestions: 'q' }, 'field_invalid', 'securityQuestions must be a list of at most 20 questions.'],
    ['too many questions', { username: 'n4', newPassword: 'pw-123456', securityQuestions: Array(21).fill({ question: 'q', answer: 'a' }) }, 'field_invalid', 'securityQuestions must be a list of at most 20 questions.'],
    ['a question without an answer', { username: 'n5', newPassword: 'pw-123456', securityQuestions: [{ question: 'q' }] }, 'field_invalid', 'Each security question needs a question and an answer.'],
    ['a blank question', { username: 'n6', newPassword: 'pw-123456', securityQuestions: [{ question: '  ', answer: 'a' }] }, 'field_invalid', 'Each security question needs a question and an answer.'],
    ['an empty answer', { username: 'n7', newPassword: 'pw-123456', securityQuestions: [{ question: 'q', answer: '' }] }, 'field_invalid', 'Each security question needs a question and an answer.'],
    ['a question that is no object', { username: 'n8', newPassword: 'pw-123456', securityQuestions: [3] }, 'field_invalid', 'Each security question needs a question and an answer.'],
    ['an over-long answer', { username: 'n9', newPassword: 'pw-123456', securityQuestions: [{ question: 'q', answer: 'a'.repeat(1025) }] }, 'field_invalid', 'Security questions and answers must be at most 1024 characters.'],
  ];
  for (const [name, body, code, reason] of malformed) {
    test(`${name}: ${code} "${reason}"`, async () => {
      const res = await register(body);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { statusCode: 400, code, message: reason });
    });
  }

  test('no body at all is an empty registration: "Username is a required field."', async () => {
    const res = await request(`${t.base}/users/register`, { method: 'POST' });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'username_field_required');
    const json = await postJson(`${t.base}/users/register`, null);
    assert.equal(json.body.code, 'username_field_required');
  });

  test('the anonymous password is refused as a real one, with a reason', async () => {
    const res = await register({ username: 'sneaky', newPassword: 'nopassword' });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'password_reserved');
    assert.equal(reasonOf(res), 'New password cannot be the anonymous password.');
  });

  test('no password: 400 with a reason naming it', async () => {
    const res = await register({ username: 'nopw' });
    assert.equal(res.status, 400);
    assert.equal(reasonOf(res), 'New password is required.');
  });

  test('public registration switched off: "Public registration is not enabled."', async () => {
    await t.setAccountSettings({ publicRegistration: false });
    try {
      const res = await register({ ...full, username: 'closed' });
      assert.equal(res.status, 400);
      assert.equal(reasonOf(res), 'Public registration is not enabled.');
    } finally {
      await t.setAccountSettings({ publicRegistration: true });
    }
  });

  const recoveryCases: [string, string, string][] = [
    ['email', 'emailAddress', 'Email address is required when Email recovery is enabled.'],
    ['text', 'phoneNumber', 'Phone number is required when Text recovery is enabled.'],
    ['question', 'securityQuestions', 'At least one Security Questions is required when Question recovery is enabled.'],
  ];
  for (const [recovery, field, reason] of recoveryCases) {
    test(`${recovery} recovery without ${field}: "${reason}"`, async () => {
      await t.setAccountSettings({ recovery: recovery as 'email' });
      try {
        const body: Record<string, unknown> = { ...full, username: `rec_${recovery}` };
        delete body[field];
        const res = await register(body);
        assert.equal(res.status, 400);
        assert.equal(reasonOf(res), reason);
      } finally {
        await t.setAccountSettings({ recovery: 'none' });
      }
    });
  }

  test('question recovery: 204; email verification: 201 with a verification request', async () => {
    await t.setAccountSettings({ recovery: 'question' });
    assert.equal((await register({ ...full, username: 'with_questions' })).status, 204);
    await t.setAccountSettings({ recovery: 'email' });
    try {
      const res = await register({ ...full, username: 'needs_verify' });
      assert.equal(res.status, 201);
      assert.equal(res.body.username, 'needs_verify');
      assert.equal(res.body.attempt, 1);
      assert.equal(typeof res.body.hash, 'string');
      assert.ok(Date.parse(res.body.expires) > t.clock.now());
      assert.equal(res.body.hint, 't***@test.com');
    } finally {
      await t.setAccountSettings({ recovery: 'none' });
    }
  });
});
