import type { Readable } from 'node:stream';
import { ANONYMOUS_PASSWORD } from '../modules/users/service.js';
import { UsageError } from './usage.js';

/** As registration's limit (errors.ts password_too_long). */
const MAX_PASSWORD_LENGTH = 1024;
/** Enough for any password with room for a stray newline; a file piped by mistake is not read whole. */
const MAX_INPUT_BYTES = 16 * 1024;

/**
 * Reads a password from standard input (`printf %s "$PW" | openmeshy ... --password-stdin`), never
 * from the command line, where every user of the machine could see it in the process list and the
 * shell would keep it in its history. One trailing newline is dropped, as `echo` and heredocs add one.
 * Errors never repeat what was read.
 */
export async function readPasswordFromStdin(input: Readable & { isTTY?: boolean } = process.stdin): Promise<string> {
  // A terminal would echo it as it is typed; a pipe shows nothing.
  if (input.isTTY) throw new UsageError('--password-stdin reads the password from a pipe, e.g. printf %s "$PASSWORD" | openmeshy ...');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) {
      input.destroy();
      break;
    }
    chunks.push(buffer);
  }
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (size > MAX_INPUT_BYTES || password.length > MAX_PASSWORD_LENGTH) {
    throw new UsageError(`the password on standard input must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  if (password === '') throw new UsageError('the password on standard input is empty');
  if (password === ANONYMOUS_PASSWORD) throw new UsageError(`the password cannot be "${ANONYMOUS_PASSWORD}": it is the anonymous users' password`);
  return password;
}
