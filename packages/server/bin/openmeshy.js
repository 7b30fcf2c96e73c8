#!/usr/bin/env -S node --no-memory-reducer
// The `openmeshy` command. npm links a bin when it installs, and only if the file exists then, so
// this one is committed rather than built: `npx openmeshy` works in a fresh clone right after
// `npm ci`. It runs the compiled CLI, and builds it first when it is missing: the first command a
// new user types in a checkout should just work, not tell them to type another command that this
// file can run for them. (A packed package ships dist/src, so there it never builds.) A dist that
// exists but is older than the sources is not rebuilt here; `npm start` and `npm test` build.
//
// --no-memory-reducer: after a quiet spell V8's memory reducer shrinks the heap and its limits, and
// under the load that follows a full (mark-compact) GC, each pausing the event loop 3-7 ms, came
// about every 0.4 s instead of every 2 s: the refresh grant's p99 went from 9 ms to 12-14 ms after
// 30 idle seconds. A server keeps its heap instead. `npm start` runs this file by this line,
// `--workers` processes inherit it (node:cluster forks with process.execArgv), and the bench reads
// its flags from it; anyone who starts this file or dist/src/cli.js with node themselves should
// pass them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) build();
await import(cli.href);

function build() {
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write('openmeshy: not built yet in this checkout; building it first (npm run build) ...\n');
  // Everything the build prints goes to stderr: stdout is the command's own (--json) output.
  const result = spawnSync('npm', ['run', 'build'], { cwd: packageDir, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (result.status === 0 && existsSync(cli)) return;
  const why = result.error ? `npm could not be run (${result.error.message})` : 'the build failed (see above)';
  process.stderr.write(`openmeshy: ${why}; run "npm ci" and then "npm run build" at the repository's root\n`);
  process.exit(1);
}
