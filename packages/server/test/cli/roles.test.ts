import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { after, describe, test } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.js';
import { decodeJwt } from '../helpers/jwt.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { startTestServer } from '../helpers/server.js';
import { anonymousUser, passwordGrant } from '../helpers/tokens.js';

/** A mistake: exit code 2 and one `openmeshy: <reason>` line matching `reason`. */
function assertRefused(result: CliResult, reason: RegExp, what: string): void {
  assert.equal(result.status, 2, `${what}: ${result.stdout}${result.stderr}`);
  assert.match(result.stderr, /^openmeshy: /, what);
  assert.match(result.stderr, reason, what);
}

function ok(result: CliResult): string {
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

function json(result: CliResult): any {
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

describe('CLI: roles', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-cli-roles-'));
  const cli = (args: string[], input?: string) => runCli([...args, '--data', data], {}, input);
  after(() => fs.rmSync(data, { recursive: true, force: true }));

  test('role create prints the role with its permissions in the CLI form; role list adds numberOfUsers', () => {
    assert.equal(cli(['account', 'create', 'shop']).status, 0);
    const created = json(
      cli(['role', 'create', 'shop', 'admin', '--description', 'Administrators', '--permission', 'roles:crud', '--permission', 'Users:crud', '--json']),
    );
    assert.match(created.id, /^[0-9a-f]{24}$/);
    assert.deepEqual({ ...created, id: undefined }, {
      accountName: 'shop',
      id: undefined,
      name: 'admin',
      description: 'Administrators',
      // The permissible's own name, whatever the case typed.
      permissions: 'roles:crud,users:crud',
    });
    json(cli(['role', 'create', 'shop', 'Readers', '--permission', 'meshes.person:r', '--json']));
    json(cli(['role', 'create', 'shop', 'empty', '--json']));
    const listed = json(cli(['role', 'list', 'shop', '--json']));
    assert.equal(listed[0].id, created.id);
    assert.deepEqual(
      listed.map((r: { id?: string }) => ({ ...r, id: undefined })),
      [
        { id: undefined, name: 'admin', description: 'Administrators', permissions: 'roles:crud,users:crud', numberOfUsers: 0 },
        { id: undefined, name: 'empty', description: null, permissions: 'none', numberOfUsers: 0 },
        { id: undefined, name: 'Readers', description: null, permissions: 'meshes.person:r', numberOfUsers: 0 },
      ],
    );
    assert.match(cli(['role', 'list', 'shop']).stdout, /^admin {2}roles:crud,users:crud {2}0 users {2}Administrators$/m);
  });

  test('a taken, system or malformed name and every documented permission rule: exit 2 with the reason, nothing created', () => {
    const before = json(cli(['role', 'list', 'shop', '--json']));
    const cases: [string[], RegExp][] = [
      [['ADMIN'], /role "ADMIN" already exists in account shop/],
      [['meshy.admin'], /Role cannot start with 'meshy\.'\./],
      [['two words'], /Name can only be alpha characters only\./],
      [['ops1'], /Name can only be alpha characters only\./],
      [[' '], /Name is required\./],
      [['ops', '--permission', 'widgets:r'], /--permission widgets: Permissible does not exist\./],
      [['ops', '--permission', 'meshes:crud', '--permission', 'meshes.person:r'], /cannot have 'meshes' and 'meshes\.person' for the role/],
      [['ops', '--permission', 'meshes.person:r', '--permission', 'meshes:r'], /cannot have 'meshes' and 'meshes\.person' for the role/],
      [['ops', '--permission', 'users:r', '--permission', 'users:c'], /Permissible was already configured for role\./],
      [['ops', '--permission', 'meshes:rx'], /--permission: "meshes:rx" is not PERMISSIBLE:FLAGS/],
      [['ops', '--permission', 'meshes:rr'], /is not PERMISSIBLE:FLAGS/],
      [['ops', '--permission', 'meshes'], /is not PERMISSIBLE:FLAGS/],
      [['ops', '--permission', 'meshes:r,users:r'], /--permission takes one PERMISSIBLE:FLAGS/],
    ];
    for (const [args, reason] of cases) assertRefused(cli(['role', 'create', 'shop', ...args]), reason, args.join(' '));
    assertRefused(cli(['role', 'create', 'nowhere', 'ops']), /no account "nowhere"/, 'unknown account');
    assertRefused(cli(['role', 'create', 'shop']), /usage: openmeshy role create/, 'no name');
    assertRefused(cli(['role', 'list']), /usage: openmeshy role/, 'no account');
    assertRefused(cli(['role', 'rename', 'shop', 'admin']), /usage: openmeshy role/, 'unknown action');
    assert.deepEqual(json(cli(['role', 'list', 'shop', '--json'])), before);
  });

  test('role delete removes the role from its users; an unknown role is exit 2', () => {
    ok(cli(['role', 'create', 'shop', 'temp', '--permission', 'meshes:r']));
    ok(cli(['user', 'create', 'shop', 'tina', '--password-stdin', '--role', 'temp'], 'tina-password'));
    assert.deepEqual(json(cli(['role', 'delete', 'shop', 'TEMP', '--json'])), { accountName: 'shop', name: 'temp', deleted: true });
    assert.ok(!json(cli(['role', 'list', 'shop', '--json'])).some((r: { name: string }) => r.name === 'temp'));
    assert.deepEqual(json(cli(['user', 'role', 'add', 'shop', 'tina', 'empty', '--json'])).roles, ['empty'], 'tina holds temp no more');
    assertRefused(cli(['role', 'delete', 'shop', 'temp']), /no role "temp" in account shop/, 'deleted twice');
  });
});

describe('CLI: users', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-cli-users-'));
  const cli = (args: string[], input?: string) => runCli([...args, '--data', data], {}, input);
  const password = 'correct horse ✓ battery staple';
  after(() => fs.rmSync(data, { recursive: true, force: true }));

  test('user create reads the password from standard input and makes a registered, verified, active user with roles', () => {
    assert.equal(cli(['account', 'create', 'shop']).status, 0);
    ok(cli(['role', 'create', 'shop', 'admin', '--permission', 'users:crud']));
    ok(cli(['role', 'create', 'shop', 'editors', '--permission', 'meshes:cru']));
    const result = cli(['user', 'create', 'shop', 'alice', '--password-stdin', '--role', 'admin', '--role', 'Editors', '--json'], `${password}\n`);
    const created = json(result);
    assert.match(created.id, /^[0-9a-f]{24}$/);
    assert.deepEqual({ ...created, id: undefined }, {
      accountName: 'shop',
      id: undefined,
      username: 'alice',
      verified: true,
      isActive: true,
      roles: ['admin', 'editors'],
    });
    assert.ok(!result.stdout.includes(password) && !result.stderr.includes(password));
    assert.deepEqual(
      json(cli(['role', 'list', 'shop', '--json'])).map((r: { name: string; numberOfUsers: number }) => [r.name, r.numberOfUsers]),
      [['admin', 1], ['editors', 1]],
    );
    // The store keeps an argon2id hash; the password itself is in no file of the data folder.
    const db = new Database(path.join(data, 'openmeshy.sqlite'), { readonly: true });
    const row = db.prepare("SELECT password_hash, anonymous FROM users WHERE username = 'alice'").get() as { password_hash: string; anonymous: number };
    db.close();
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.equal(row.anonymous, 0);
    for (const file of fs.readdirSync(data)) assert.ok(!fs.readFileSync(path.join(data, file)).includes(password), file);
  });

  test('a password is never taken from the command line, and a refusal never repeats what was given', () => {
    const secret = 'S3cret-on-the-command-line';
    const attempts = [
      ['user', 'create', 'shop', 'bob', '--password', secret],
      ['user', 'create', 'shop', 'bob', `--password=${secret}`],
      ['user', 'create', 'shop', 'bob', `--password-stdin=${secret}`],
      ['user', 'create', 'shop', 'bob', secret, '--password-stdin'],
      ['user', 'create', 'shop', 'bob', '--password-stdin', '--', secret],
    ];
    for (const args of attempts) {
      const result = cli(args, 'from-stdin');
      assertRefused(result, /./, args.join(' '));
      assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), args.join(' '));
    }
    assertRefused(cli(['user', 'create', 'shop', 'bob'], 'from-stdin'), /needs --password-stdin/, 'without --password-stdin');
    assertRefused(cli(['user', 'role', 'add', 'shop', 'bob', 'admin']), /no user "bob" in account shop/, 'bob was never created');
  });

  test('an empty, reserved or too long password, a taken username and an unknown role are refused before anything is written', () => {
    const cases: [string, string[], RegExp][] = [
      ['', [], /the password on standard input is empty/],
      ['\n', [], /the password on standard input is empty/],
      ['nopassword', [], /cannot be "nopassword": it is the anonymous users' password/],
      ['nopassword\n', [], /cannot be "nopassword"/],
      ['x'.repeat(1025), [], /must be at most 1024 characters/],
      ['x'.repeat(100_000), [], /must be at most 1024 characters/],
      ['bobs-password', ['--role', 'admin', '--role', 'ghosts'], /no role "ghosts" in account shop/],
    ];
    for (const [input, extra, reason] of cases) {
      const result = cli(['user', 'create', 'shop', 'bob', '--password-stdin', ...extra], input);
      assertRefused(result, reason, JSON.stringify(input.slice(0, 20)));
      if (input.trim().length > 1 && input.trim() !== 'nopassword') assert.ok(!result.stderr.includes(input.trim()), 'the password is not repeated');
    }
    assertRefused(cli(['user', 'role', 'add', 'shop', 'bob', 'admin']), /no user "bob"/, 'bob was never created');
    assertRefused(cli(['user', 'create', 'shop', 'ALICE', '--password-stdin'], 'another'), /user "ALICE" already exists in account shop/, 'taken');
    assertRefused(cli(['user', 'create', 'shop', ' ', '--password-stdin'], 'another'), /username: Username is a required field\./, 'blank');
    assertRefused(cli(['user', 'create', 'nowhere', 'bob', '--password-stdin'], 'another'), /no account "nowhere"/, 'account');
  });

  test('user role add and remove, each twice, say whether anything changed', () => {
    const add = () => json(cli(['user', 'role', 'add', 'shop', 'alice', 'ADMIN', '--json']));
    const remove = () => json(cli(['user', 'role', 'remove', 'shop', 'Alice', 'admin', '--json']));
    assert.deepEqual(remove(), { accountName: 'shop', username: 'alice', role: 'admin', changed: true, roles: ['editors'] });
    assert.deepEqual(remove(), { accountName: 'shop', username: 'alice', role: 'admin', changed: false, roles: ['editors'] });
    assert.deepEqual(add(), { accountName: 'shop', username: 'alice', role: 'admin', changed: true, roles: ['editors', 'admin'] });
    assert.equal(cli(['user', 'role', 'add', 'shop', 'alice', 'admin']).stdout, 'alice already holds admin\n');
    assertRefused(cli(['user', 'role', 'add', 'shop', 'alice', 'ghosts']), /no role "ghosts" in account shop/, 'unknown role');
    assertRefused(cli(['user', 'role', 'add', 'shop', 'alice']), /usage: openmeshy user create/, 'no role');
    assertRefused(cli(['user', 'role', 'grant', 'shop', 'alice', 'admin']), /usage: openmeshy user/, 'unknown change');
  });

  test('user activate and deactivate still work', () => {
    assert.deepEqual(json(cli(['user', 'deactivate', 'shop', 'alice', '--json'])), { accountName: 'shop', username: 'alice', isActive: false });
    assert.equal(cli(['user', 'activate', 'shop', 'alice']).stdout, 'alice is now active\n');
    assertRefused(cli(['user', 'activate', 'shop', 'nobody']), /no user "nobody" in account shop/, 'unknown user');
  });
});

describe('CLI: default permissions', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-cli-defaults-'));
  const cli = (args: string[]) => runCli([...args, '--data', data]);
  after(() => fs.rmSync(data, { recursive: true, force: true }));

  test('account set --default-permissions takes grants or none, checked as a role\'s are; account list --json shows them', () => {
    assert.equal(cli(['account', 'create', 'shop']).status, 0);
    const defaults = () => json(cli(['account', 'list', '--json']))[0].settings.defaultPermissions;
    assert.deepEqual(defaults(), [
      { permissibleName: 'meshes', create: true, read: true, update: true, delete: true },
      { permissibleName: 'projections', create: false, read: true, update: false, delete: false },
    ]);
    assert.deepEqual(json(cli(['account', 'set', 'shop', '--default-permissions', 'none', '--json'])).settings.defaultPermissions, []);
    assert.deepEqual(defaults(), []);
    ok(cli(['account', 'set', 'shop', '--default-permissions', 'meshes.person:cr, Projections:r']));
    assert.deepEqual(defaults(), [
      { permissibleName: 'meshes.person', create: true, read: true, update: false, delete: false },
      { permissibleName: 'projections', create: false, read: true, update: false, delete: false },
    ]);
    const cases: [string, RegExp][] = [
      ['widgets:r', /--default-permissions widgets: Permissible does not exist\./],
      ['projections.sales:r', /--default-permissions projections\.sales: Permissible does not exist\./],
      ['meshes:crud,meshes.person:r', /cannot have 'meshes' and 'meshes\.person'/],
      ['users:r,users:u', /Permissible was already configured for role\./],
      ['meshes:all', /--default-permissions: "meshes:all" is not PERMISSIBLE:FLAGS/],
      ['', /is not PERMISSIBLE:FLAGS/],
    ];
    for (const [value, reason] of cases) assertRefused(cli(['account', 'set', 'shop', '--default-permissions', value]), reason, value);
    assert.equal(defaults().length, 2, 'a refused value changes nothing');
  });
});

describe('CLI: make an admin in three commands (the README recipe)', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-cli-admin-'));
  const cli = (args: string[], input?: string) => runCli([...args, '--data', data], {}, input);
  after(() => fs.rmSync(data, { recursive: true, force: true }));

  test('after role create and user create, the user logs in with the password grant and its token names the role', async () => {
    const password = `admin pass ${Math.random().toString(36).slice(2)}`;
    // The test server helper serves the account named "test" when the store has one.
    assert.equal(cli(['account', 'create', 'test']).status, 0);
    assert.equal(cli(['role', 'create', 'test', 'admin', '--permission', 'roles:crud', '--permission', 'users:crud']).status, 0);
    assert.equal(cli(['user', 'create', 'test', 'alice', '--password-stdin', '--role', 'admin'], `${password}\n`).status, 0);

    const t = await startTestServer({ dataDir: data });
    try {
      const login = await passwordGrant(t, 'alice', password);
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const claims = decodeJwt(login.body.access_token).payload;
      assert.equal(claims.id, 'alice');
      assert.deepEqual(claims.role, ['admin']);
      // The newline `echo` adds was not part of the password.
      assert.equal((await passwordGrant(t, 'alice', `${password}\n`)).status, 400);

      // An anonymous user, registered while the server runs, cannot be given the role.
      const anonymous = await anonymousUser(t);
      assertRefused(cli(['user', 'role', 'add', 'test', anonymous, 'admin']), /is an anonymous user, and anonymous users cannot be given roles/, 'anonymous');
      assert.equal(json(cli(['role', 'list', 'test', '--json']))[0].numberOfUsers, 1);
    } finally {
      await t.close();
    }
  });

  test('the same commands on PostgreSQL', async () => {
    const database = await createTestDatabase();
    const pgCli = (args: string[], input?: string) => runCli(args, { DATABASE_URL: database.url }, input);
    try {
      assert.equal(pgCli(['account', 'create', 'shop']).status, 0);
      ok(pgCli(['role', 'create', 'shop', 'admin', '--permission', 'roles:crud', '--permission', 'users:crud']));
      assert.deepEqual(json(pgCli(['user', 'create', 'shop', 'alice', '--password-stdin', '--role', 'admin', '--json'], 'pg-password')).roles, ['admin']);
      assert.deepEqual(json(pgCli(['role', 'list', 'shop', '--json'])).map((r: { permissions: string; numberOfUsers: number }) => [r.permissions, r.numberOfUsers]), [
        ['roles:crud,users:crud', 1],
      ]);
      assertRefused(pgCli(['role', 'create', 'shop', 'Admin']), /role "Admin" already exists/, 'taken on PostgreSQL');
    } finally {
      await database.drop();
    }
  });
});
