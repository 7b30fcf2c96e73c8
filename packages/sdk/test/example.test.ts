import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const example = fileURLToPath(new URL('../../../../examples/getting-started.mjs', import.meta.url));

test('examples/getting-started.mjs runs from start to sign-out against a server it starts itself', async () => {
  const env = { ...process.env };
  for (const name of ['MESHY_BASE_URL', 'MESHY_ACCOUNT', 'MESHY_PUBLIC_KEY']) delete env[name];
  const { stdout } = await promisify(execFile)(process.execPath, [example], { env, timeout: 60_000 });
  assert.match(stdout, /registered anonymous user mctesterton/);
  assert.match(stdout, /getSelf: \{"id":"[0-9a-f]{24}","username":"mctesterton","anonymous":true\}/);
  assert.match(stdout, /after a restart, still logged in as mctesterton/);
  assert.match(stdout, /loginWithRefresh: refresh token rotated: true/);
  assert.match(stdout, /a bad refresh token: 400 invalid_grant "Token is invalid\."/);
  assert.match(stdout, /signed out; stored session left: false/);
});
