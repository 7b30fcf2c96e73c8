import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { after, describe, test } from 'node:test';
import { settings } from '../../src/config.js';
import { BIN, runCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { TEST_SECRET } from '../helpers/server.js';

describe('CLI: accounts and clients', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-cli-'));
  after(() => fs.rmSync(data, { recursive: true, force: true }));

  test('the bin runs as an executable, through its shebang (env -S node --no-memory-reducer)', () => {
    assert.match(fs.readFileSync(BIN, 'utf8').split('\n', 1)[0]!, /^#!\/usr\/bin\/env -S node --no-memory-reducer$/);
    const result = spawnSync(BIN, ['account', 'create', 'direct', '--json', '--data', path.join(data, 'direct')], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).accountName, 'direct');
  });

  test('account create prints the name and public key as JSON', () => {
    const result = runCli(['account', 'create', 'shop', '--json', '--data', data]);
    assert.equal(result.status, 0, result.stderr);
    const created = JSON.parse(result.stdout);
    assert.equal(created.accountName, 'shop');
    assert.match(created.publicKey, /^[A-Za-z0-9_-]{22}$/);
    const [listed] = JSON.parse(runCli(['account', 'list', '--json', '--data', data]).stdout);
    assert.equal(listed.settings.apiRequestLimit, null, 'a new account has no API limit');
  });

  test('a duplicate or malformed account name: a clear error and exit code 2', () => {
    for (const name of ['shop', 'Bad_Name', 'x', 'dash-', 'healthz']) {
      const result = runCli(['account', 'create', name, '--data', data]);
      assert.equal(result.status, 2, `${name}: ${result.stdout}`);
      assert.match(result.stderr, /^openmeshy: .*(already exists|invalid account name|reserved)/);
    }
  });

  test('OPENMESHY_DATA is the same store as --data', () => {
    const result = runCli(['account', 'list', '--json'], { OPENMESHY_DATA: data });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).map((a: { accountName: string }) => a.accountName), ['shop']);
  });

  test('client create and list', () => {
    const created = JSON.parse(runCli(['client', 'create', 'shop', '--json', '--data', data]).stdout);
    const list = JSON.parse(runCli(['client', 'list', 'shop', '--json', '--data', data]).stdout);
    assert.equal(list.length, 2);
    assert.equal(list[1].publicKey, created.publicKey);
    assert.deepEqual(list[0].settings, {
      accessTokenLifetimeSeconds: 3600,
      refreshTokenAbsoluteLifetimeSeconds: 2592000,
      refreshTokenSlidingLifetimeSeconds: 1296000,
      refreshTokenReuseGraceSeconds: 10,
    });
    assert.equal(runCli(['client', 'list', 'nope', '--data', data]).status, 2);
  });

  test('account and client settings change through the CLI, and bad values exit 2', () => {
    const account = JSON.parse(
      runCli(['account', 'set', 'shop', '--json', '--anonymous-registration', 'off', '--api-limit', 'unlimited', '--cors-origins', 'https://app.example', '--data', data]).stdout,
    );
    assert.equal(account.settings.anonymousRegistration, false);
    assert.equal(account.settings.apiRequestLimit, null);
    assert.deepEqual(account.settings.corsOrigins, ['https://app.example']);
    const key = JSON.parse(runCli(['client', 'list', 'shop', '--json', '--data', data]).stdout)[0].publicKey;
    const client = JSON.parse(runCli(['client', 'set', key, '--json', '--reuse-grace', '0', '--access-token-lifetime', '600', '--data', data]).stdout);
    assert.equal(client.settings.refreshTokenReuseGraceSeconds, 0);
    assert.equal(client.settings.accessTokenLifetimeSeconds, 600);
    assert.equal(runCli(['account', 'set', 'shop', '--recovery', 'carrier-pigeon', '--data', data]).status, 2);
    assert.equal(runCli(['client', 'set', key, '--reuse-grace', 'soon', '--data', data]).status, 2);
    assert.equal(runCli(['account', 'set', 'shop', '--cors-origins', 'not a url', '--data', data]).status, 2);
  });

  test('a public key that starts with "-" (from an older version) is reached after "--"', () => {
    const created = JSON.parse(runCli(['client', 'create', 'shop', '--json', '--data', data]).stdout);
    const dashKey = `-${created.publicKey.slice(1)}`;
    const db = new Database(path.join(data, 'openmeshy.sqlite'));
    db.prepare('UPDATE clients SET public_key = ? WHERE public_key = ?').run(dashKey, created.publicKey);
    db.close();
    const result = runCli(['client', 'set', '--json', '--reuse-grace', '5', '--data', data, '--', dashKey]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).publicKey, dashKey);
    assert.equal(JSON.parse(result.stdout).settings.refreshTokenReuseGraceSeconds, 5);
  });

  test('keys list shows one signing key after rotate', () => {
    assert.equal(runCli(['keys', 'rotate', '--alg', 'RS256', '--data', data]).status, 0);
    const keys = JSON.parse(runCli(['keys', 'list', '--json', '--data', data]).stdout);
    assert.equal(keys.filter((k: { retiredAt: string | null }) => k.retiredAt === null).length, 1);
    assert.equal(keys.at(-1).alg, 'RS256');
    assert.equal(runCli(['keys', 'rotate', '--alg', 'HS256', '--data', data]).status, 2);
  });

  test("the README's per-account table lists exactly the flags of account set, each one the command line knows", () => {
    const help = runCli(['--help']).stdout;
    const usage = help.slice(help.indexOf('account set NAME'), help.indexOf('client create'));
    const flags = [...usage.matchAll(/--[a-z-]+/g)].map((m) => m[0]).sort();
    const readme = fs.readFileSync(new URL('../../../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Per-account settings'), readme.indexOf('### Per-client settings'));
    const rows = [...section.matchAll(/^\| `(--[a-z-]+)/gm)].map((m) => m[1]!).sort();
    assert.ok(flags.includes('--default-permissions'), usage);
    assert.deepEqual(rows, flags);
    // Every flag parses: the command gets as far as looking the account up.
    const result = runCli(['account', 'set', 'nowhere', ...flags.flatMap((flag) => [flag, 'x']), '--data', data]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^openmeshy: no account "nowhere"/);
  });

  test('unknown commands and flags exit 2', () => {
    assert.equal(runCli(['frobnicate', '--data', data]).status, 2);
    assert.equal(runCli(['account', 'list', '--colour', '--data', data]).status, 2);
  });
});

describe('CLI: migrate', () => {
  test('migrate prepares an empty SQLite store and says so', () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-migrate-'));
    try {
      const result = runCli(['migrate', '--json', '--data', data]);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { migrated: true });
      assert.ok(fs.existsSync(path.join(data, 'openmeshy.sqlite')));
      assert.deepEqual(JSON.parse(runCli(['account', 'list', '--json', '--data', data]).stdout), []);
    } finally {
      fs.rmSync(data, { recursive: true, force: true });
    }
  });

  test('migrate prepares an empty PostgreSQL database, twice without harm', async () => {
    const database = await createTestDatabase();
    try {
      for (let i = 0; i < 2; i++) {
        const result = runCli(['migrate', '--json'], { DATABASE_URL: database.url });
        assert.equal(result.status, 0, result.stderr);
      }
      assert.deepEqual(JSON.parse(runCli(['account', 'list', '--json'], { DATABASE_URL: database.url }).stdout), []);
    } finally {
      await database.drop();
    }
  });
});

describe('CLI: settings', () => {
  const NO_DATABASE = 'postgres://postgres@127.0.0.1:1/openmeshy_never_created';

  test('serve --help lists every setting with its flag and environment variable', () => {
    const result = runCli(['serve', '--help']);
    assert.equal(result.status, 0);
    for (const setting of settings) {
      assert.ok(result.stdout.includes(setting.flag), setting.flag);
      assert.ok(result.stdout.includes(setting.env), setting.env);
    }
  });

  test('a bad value is refused at start with a clear message and exit code 2', () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['serve', '--port', 'eighty'], {}, /port must be a whole number/],
      [['serve'], { PORT: '70000' }, /port must be between 0 and 65535/],
      [['serve', '--log-level', 'loud'], {}, /log level must be one of/],
      [['serve'], { DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
      // Refused before connecting: this database does not exist, and nothing tries to reach it.
      [['serve'], { DATABASE_URL: NO_DATABASE, OPENMESHY_SECRET: TEST_SECRET }, /OPENMESHY_PUBLIC_URL \(or --public-url\) must be set with DATABASE_URL/],
      [['serve', '--workers', '2'], { DATABASE_URL: NO_DATABASE, OPENMESHY_SECRET: TEST_SECRET }, /OPENMESHY_PUBLIC_URL \(or --public-url\) must be set with DATABASE_URL/],
      [['serve'], { DATABASE_URL: NO_DATABASE, OPENMESHY_PUBLIC_URL: 'https://api.example.com' }, /OPENMESHY_SECRET must be set with DATABASE_URL/],
      [['serve'], { DATABASE_URL: NO_DATABASE, OPENMESHY_PUBLIC_URL: 'https://api.example.com', OPENMESHY_SECRET: 'c2hvcnQ=' }, /OPENMESHY_SECRET must be base64 of at least 32 bytes/],
    ];
    for (const [args, env, message] of cases) {
      const result = runCli(args, env);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, message);
    }
  });

  test('the README documents every setting', () => {
    const readme = fs.readFileSync(new URL('../../../../../README.md', import.meta.url), 'utf8');
    for (const setting of settings) {
      assert.ok(readme.includes(`\`${setting.flag}\``), `README lacks ${setting.flag}`);
      assert.ok(readme.includes(`\`${setting.env}\``), `README lacks ${setting.env}`);
    }
  });
});
