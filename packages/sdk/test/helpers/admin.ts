import { spawn } from 'node:child_process';
import { BIN } from 'openmeshy/dist/test/helpers/cli.js';
import type { MeshyClient, MeshyConnection } from '../../src/index.js';
import { uniqueName, type TestServer } from './server.js';

/** A role name no other test uses: role names are letters only. */
export function uniqueRoleName(prefix = 'Role'): string {
  const letters = Array.from({ length: 12 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
  return `${prefix}${letters}`;
}

/**
 * Runs the real `openmeshy` bin on the test server's data folder, without blocking the event loop
 * (the server runs in this process). Rejects with the command's output when it fails.
 */
async function openmeshy(t: TestServer, args: string[], input?: string): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args, '--data', t.dataDir], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  child.stdin.end(input ?? '');
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (status !== 0) throw new Error(`openmeshy ${args.slice(0, 2).join(' ')} exited with ${status}: ${output}`);
}

/**
 * Makes an administrator as the README's "Make an admin in three commands" does: `openmeshy role
 * create` with these permissions, `openmeshy user create --password-stdin --role`, then a
 * password login through the SDK. The SDK cannot make the first administrator itself: making
 * roles needs permission on roles.
 */
export async function loginWithRole(
  t: TestServer,
  client: MeshyClient,
  permissions: string[],
): Promise<{ connection: MeshyConnection; userId: string; username: string; password: string; roleName: string }> {
  const roleName = uniqueRoleName('Admin');
  const username = uniqueName('admin');
  const password = 'admin pa55word!';
  await openmeshy(t, ['role', 'create', t.account, roleName, ...permissions.flatMap((p) => ['--permission', p])]);
  await openmeshy(t, ['user', 'create', t.account, username, '--password-stdin', '--role', roleName], password);
  // The CLI wrote past the server, whose cache of an account's grants lasts two seconds.
  t.clock.advance(2_001);
  const connection = await client.login(username, password);
  return { connection, userId: connection.currentUser!.id, username, password, roleName };
}

/** A fetch that keeps each request it sends (method, URL, body), for asserting what went on the wire. */
export function recordingFetch(): { fetch: typeof fetch; sent: Array<{ method: string; url: string; body: string | undefined }> } {
  const sent: Array<{ method: string; url: string; body: string | undefined }> = [];
  return {
    sent,
    fetch: async (input, init) => {
      sent.push({ method: init?.method ?? 'GET', url: String(input), body: typeof init?.body === 'string' ? init.body : undefined });
      return fetch(input, init);
    },
  };
}
