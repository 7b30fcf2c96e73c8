import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { BIN } from '../helpers/cli.js';

/**
 * The bin in a checkout whose dist/ is not built yet (a fresh clone after `npm ci`). The real
 * build is tsc over the whole package; here a copy of the bin sits in a package whose build
 * script is a stand-in, so the test sees what the bin does around the build. CI's fresh-clone
 * check (scripts/fresh-clone-check.sh) runs the real one.
 */
describe('the bin before the first build', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-bin-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A package with a copy of the bin and `build` as its build script. */
  function checkout(name: string, build: string): string {
    const dir = path.join(root, name);
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    fs.copyFileSync(BIN, path.join(dir, 'bin/openmeshy.js'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module', scripts: { build } }));
    return dir;
  }

  const run = (dir: string, args: string[]) =>
    spawnSync(process.execPath, [path.join(dir, 'bin/openmeshy.js'), ...args], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 60_000 });

  test('builds first, with all the build prints on stderr, then runs the CLI; the next run does not build', () => {
    const dir = checkout('unbuilt', 'echo build output && node build.mjs');
    // The stand-in CLI prints its arguments.
    const cli = 'process.stdout.write(JSON.stringify(process.argv.slice(2)) + "\\n");\n';
    fs.writeFileSync(path.join(dir, 'build.mjs'), `import fs from 'node:fs';\nfs.mkdirSync('dist/src', { recursive: true });\nfs.writeFileSync('dist/src/cli.js', ${JSON.stringify(cli)});\n`);
    const first = run(dir, ['account', 'list', '--json']);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, '["account","list","--json"]\n', 'stdout is the command output alone');
    assert.match(first.stderr, /^openmeshy: not built yet in this checkout; building it first \(npm run build\)/);
    assert.match(first.stderr, /build output/);

    const second = run(dir, ['--help']);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, '["--help"]\n');
    assert.equal(second.stderr, '');
  });

  test('a build that fails: exit code 1, the build error, and what to run; nothing on stdout', () => {
    const dir = checkout('broken', 'echo "error TS2304: cannot find name" >&2 && exit 3');
    const result = run(dir, ['account', 'list']);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /error TS2304: cannot find name/);
    assert.match(result.stderr, /openmeshy: the build failed \(see above\); run "npm ci" and then "npm run build" at the repository's root\n$/);
  });
});
