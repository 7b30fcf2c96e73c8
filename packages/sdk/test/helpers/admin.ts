import { newObjectId } from 'openmeshy/dist/src/lib/ids.js';
import type { MeshyClient, MeshyConnection } from '../../src/index.js';
import { uniqueName, type TestServer } from './server.js';

/** A role name no other test uses: role names are letters only. */
export function uniqueRoleName(prefix = 'Role'): string {
  const letters = Array.from({ length: 12 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
  return `${prefix}${letters}`;
}

/** One permissible and its flags, as the CLI writes them: `roles:crud`. */
export type GrantSpec = `${string}:${string}`;

/**
 * Registers a user with a password who holds a new role with these permissions, and logs them
 * in. The role is made through the server's store, as `openmeshy role create` would: the SDK
 * cannot make the first administrator, since making roles needs permission on roles.
 */
export async function loginWithRole(t: TestServer, client: MeshyClient, grants: GrantSpec[]): Promise<{ connection: MeshyConnection; userId: string; username: string; password: string; roleName: string }> {
  const username = uniqueName('admin');
  const password = 'admin pa55word!';
  await client.registerUser({ username, newPassword: password });
  const store = t.server.store;
  const accountId = (await store.accounts.findByName(t.account))!.id;
  const user = (await store.users.findByUsername(accountId, username))!;
  const roleName = uniqueRoleName('Admin');
  const roleId = newObjectId(t.clock.now());
  await store.roles.create({ id: roleId, accountId, name: roleName, description: 'made by the test', createdAt: t.clock.now() });
  for (const grant of grants) {
    const [permissibleName, flags] = grant.split(':') as [string, string];
    await store.roles.createPermission({
      id: newObjectId(t.clock.now()),
      accountId,
      roleId,
      permissibleName,
      create: flags.includes('c'),
      read: flags.includes('r'),
      update: flags.includes('u'),
      delete: flags.includes('d'),
    });
  }
  await store.roles.addMembers(accountId, roleId, [user.id], t.clock.now());
  // The server caches an account's grants for two seconds.
  t.clock.advance(2_001);
  const connection = await client.login(username, password);
  return { connection, userId: user.id, username, password, roleName };
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
