import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli.js';
import { request } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

function json(result: CliResult): any {
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

/** `openmeshy projection ...`: definitions made by an operator, served by a running server. */
describe('CLI: projections', () => {
  let t: TestServer;
  let dir: string;
  const cli = (...args: string[]) => runCli([...args, '--data', t.dataDir]);

  before(async () => {
    t = await startTestServer({ logLevel: 'warn' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-projection-cli-'));
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('create, list, show, update from a file, drop; the server answers what the CLI stored', async () => {
    const pipeline = JSON.stringify([{ $group: { _id: '$state', attractions: { $sum: 1 } } }, { $sort: { _id: 1 } }]);
    const created = json(cli('projection', 'create', 'test', 'popularStates', '--mesh', 'Places', '--pipeline', pipeline, '--description', 'by state', '--json'));
    assert.deepEqual(created, { accountName: 'test', name: 'popularStates', mesh: 'places', description: 'by state', pipeline: JSON.parse(pipeline) });
    assert.match(cli('projection', 'list', 'test').stdout, /^popularStates {2}places {2}2 stages {2}by state$/m);
    assert.deepEqual(json(cli('projection', 'show', 'test', 'POPULARSTATES', '--json')).pipeline, JSON.parse(pipeline));

    const { access_token: token } = await login(t);
    const call = (method: string, p: string, body?: unknown) =>
      request(`${t.base}${p}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.equal((await call('POST', '/meshes/places', [{ state: 'WI' }, { state: 'MN' }, { state: 'WI' }])).status, 201);
    // The account's default permissions let every user read projections.
    const res = await call('GET', '/projections/popularStates');
    assert.deepEqual(res.body, { page: 1, pageSize: 25, results: [{ _id: 'MN', attractions: 1 }, { _id: 'WI', attractions: 2 }], totalRecords: 2 });

    const file = path.join(dir, 'pipeline.json');
    fs.writeFileSync(file, JSON.stringify([{ $match: { state: 'WI' } }, { $count: 'n' }]));
    const updated = json(cli('projection', 'update', 'test', 'popularStates', '--pipeline', `@${file}`, '--name', 'wisconsin', '--json'));
    assert.equal(updated.name, 'wisconsin');
    assert.equal(updated.description, 'by state');
    assert.deepEqual((await call('GET', '/projections/wisconsin')).body.results, [{ n: 2 }]);
    assert.equal((await call('GET', '/projections/popularStates')).status, 404);

    assert.equal(cli('projection', 'drop', 'test', 'wisconsin').status, 0);
    assert.equal(cli('projection', 'list', 'test').stdout.trim(), '(no projections)');
  });

  test('refusals are usage errors with the API\'s reason', () => {
    const refused = (result: CliResult, reason: RegExp) => {
      assert.equal(result.status, 2, result.stdout + result.stderr);
      assert.match(result.stderr, reason);
    };
    refused(cli('projection', 'create', 'test', 'copy', '--mesh', 'places', '--pipeline', '[{"$out":"x"}]'), /^openmeshy: Pipeline stage 1 \(\$out\) writes a collection\.$/m);
    refused(cli('projection', 'create', 'test', 'copy', '--mesh', 'places', '--pipeline', '{not json'), /--pipeline must be a JSON list of stages/);
    refused(cli('projection', 'create', 'test', 'copy', '--mesh', 'places', '--pipeline', '@/no/such/file.json'), /--pipeline @\/no\/such\/file\.json: ENOENT/);
    refused(cli('projection', 'create', 'test', 'copy2', '--mesh', 'places', '--pipeline', '[]'), /Projection name is invalid and must be alpha characters only\./);
    refused(cli('projection', 'create', 'test', 'copy'), /usage: openmeshy projection create/);
    refused(cli('projection', 'show', 'test', 'nothing'), /Projection was not found\./);
    refused(cli('projection', 'list', 'nosuchaccount'), /no account "nosuchaccount"/);
  });
});
