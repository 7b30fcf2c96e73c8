import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.js';

function refused(result: CliResult, reason: RegExp, what: string): void {
  assert.equal(result.status, 2, `${what}: ${result.stdout}${result.stderr}`);
  assert.match(result.stderr, /^openmeshy: /, what);
  assert.match(result.stderr, reason, what);
}

function json(result: CliResult): any {
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

describe('CLI: mesh indexes and the scan budget', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-cli-indexes-'));
  const cli = (args: string[]) => runCli([...args, '--data', data]);
  after(() => fs.rmSync(data, { recursive: true, force: true }));

  test('index create, list and drop, in words and in JSON', () => {
    assert.equal(cli(['account', 'create', 'shop']).status, 0);
    const made = cli(['index', 'create', 'shop', 'Person', 'lastName', 'address.city']);
    assert.equal(made.status, 0, made.stderr);
    assert.equal(made.stdout, 'index person_lastName_address_city created on person (lastName, address.city)\n');
    const unique = json(cli(['index', 'create', 'shop', 'person', 'email', '--unique', '--name', 'byEmail', '--json']));
    assert.deepEqual({ ...unique, createdAt: undefined }, { accountName: 'shop', name: 'byEmail', mesh: 'person', paths: ['email'], unique: true, createdAt: undefined });
    json(cli(['index', 'create', 'shop', 'animal', 'kind', '--json']));

    const all = json(cli(['index', 'list', 'shop', '--json']));
    assert.deepEqual(all.map((i: { name: string }) => i.name).sort(), ['animal_kind', 'byEmail', 'person_lastName_address_city']);
    const person = json(cli(['index', 'list', 'shop', 'PERSON', '--json']));
    assert.deepEqual(person.map((i: { name: string; paths: string[] }) => [i.name, i.paths]).sort(), [['byEmail', ['email']], ['person_lastName_address_city', ['lastName', 'address.city']]]);
    assert.match(cli(['index', 'list', 'shop', 'person']).stdout, /^byEmail {2}person {2}email {2}unique$/m);

    assert.equal(cli(['index', 'drop', 'shop', 'animal_kind']).stdout, 'index animal_kind dropped from shop\n');
    assert.equal(cli(['index', 'list', 'shop', 'animal']).stdout, '(no indexes)\n');
    refused(cli(['index', 'drop', 'shop', 'animal_kind']), /no index "animal_kind" in account shop/, 'drop twice');
  });

  test('what index refuses, with a reason and exit code 2', () => {
    refused(cli(['index', 'create', 'nowhere', 'person', 'a']), /no account "nowhere"/, 'unknown account');
    refused(cli(['index', 'create', 'shop', 'person1', 'a']), /Mesh name is invalid and must be alpha characters only\./, 'mesh name');
    refused(cli(['index', 'create', 'shop', 'person', '$where']), /path "\$where"/, 'operator path');
    refused(cli(['index', 'create', 'shop', 'person', 'a..b']), /path "a\.\.b"/, 'empty component');
    refused(cli(['index', 'create', 'shop', 'person', '_id']), /indexed by _id already/, '_id');
    refused(cli(['index', 'create', 'shop', 'person', 'a', 'a']), /a path is named twice/, 'twice');
    refused(cli(['index', 'create', 'shop', 'person', 'a', '--name', '9lives']), /index name "9lives"/, 'bad name');
    assert.equal(cli(['index', 'create', 'shop', 'person', 'a', '--name', 'taken']).status, 0);
    refused(cli(['index', 'create', 'shop', 'person', 'b', '--name', 'taken']), /an index named taken exists already/, 'taken name');
    refused(cli(['index', 'create', 'shop', 'person']), /usage: openmeshy index create ACCOUNT MESH PATH/, 'no path');
    refused(cli(['index', 'rebuild', 'shop']), /usage: openmeshy index/, 'unknown action');
  });

  test('account set --scan-budget: a whole number from 0, shown by account list', () => {
    assert.equal(json(cli(['account', 'list', '--json'])).find((a: { accountName: string }) => a.accountName === 'shop').settings.scanBudget, 1_000_000);
    assert.equal(cli(['account', 'set', 'shop', '--scan-budget', '0']).status, 0);
    assert.equal(json(cli(['account', 'list', '--json'])).find((a: { accountName: string }) => a.accountName === 'shop').settings.scanBudget, 0);
    refused(cli(['account', 'set', 'shop', '--scan-budget=-1']), /--scan-budget must be a whole number/, 'negative');
    refused(cli(['account', 'set', 'shop', '--scan-budget', 'lots']), /--scan-budget must be a whole number/, 'words');
  });
});
