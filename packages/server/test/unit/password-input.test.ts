import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readPasswordFromStdin } from '../../src/cli/password-input.js';

const piped = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

test('--password-stdin drops exactly one trailing newline (\\n or \\r\\n) and keeps everything else', async () => {
  assert.equal(await readPasswordFromStdin(piped('pass word\n')), 'pass word');
  assert.equal(await readPasswordFromStdin(piped('pass word\r\n')), 'pass word');
  assert.equal(await readPasswordFromStdin(piped(' two\n', 'lines\n\n')), ' two\nlines\n');
  assert.equal(await readPasswordFromStdin(piped('✓ ünïcode')), '✓ ünïcode');
});

test('--password-stdin refuses a terminal, which would echo the password as it is typed', async () => {
  const terminal = Object.assign(piped('typed\n'), { isTTY: true });
  await assert.rejects(readPasswordFromStdin(terminal), /reads the password from a pipe/);
});
