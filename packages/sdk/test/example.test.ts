import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const example = fileURLToPath(new URL('../../../../examples/getting-started.mjs', import.meta.url));

test('examples/getting-started.mjs runs from start to sign-out, with the docs\' data steps, against a server it starts itself', async () => {
  const env = { ...process.env };
  for (const name of ['MESHY_BASE_URL', 'MESHY_ACCOUNT', 'MESHY_PUBLIC_KEY']) delete env[name];
  const { stdout } = await promisify(execFile)(process.execPath, [example], { env, timeout: 60_000 });
  assert.match(stdout, /registered anonymous user mctesterton/);
  assert.match(stdout, /getSelf: \{"id":"[0-9a-f]{24}","username":"mctesterton","anonymous":true\}/);
  const userId = /getSelf: \{"id":"([0-9a-f]{24})"/.exec(stdout)![1];
  const created = new RegExp(`create: \\{"_id":"([0-9a-f]{24})","firstName":"Bob","lastName":"Bobson","userId":"${userId}"\\}`).exec(stdout);
  assert.ok(created, `the created person, with its _id first and the user's id:\n${stdout}`);
  assert.ok(stdout.includes(`update: {"_id":"${created[1]}","firstName":"Robert","lastName":"Bobson","userId":"${userId}"}`), 'the update keeps the id');
  assert.match(stdout, /search: 1 found, page 1: Robert Bobson/);
  assert.match(stdout, /delete: get afterwards: 404 "Mesh data was not found\."/);
  assert.match(stdout, /after a restart, still logged in as mctesterton/);
  assert.match(stdout, /loginWithRefresh: refresh token rotated: true/);
  assert.match(stdout, /a bad refresh token: 400 invalid_grant "Token is invalid\."/);
  assert.match(stdout, /signed out; stored session left: false/);
});
