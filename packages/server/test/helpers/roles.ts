import { newObjectId } from '../../src/lib/ids.js';
import type { Grant } from '../../src/modules/roles/types.js';
import type { TestServer } from './server.js';
import { passwordGrant, passwordUser } from './tokens.js';

/** `roles:crud`-style grants, written as `{ roles: 'crud', users: 'r' }`. */
export function grantsOf(spec: Record<string, string>): Grant[] {
  return Object.entries(spec).map(([permissibleName, flags]) => ({
    permissibleName,
    create: flags.includes('c'),
    read: flags.includes('r'),
    update: flags.includes('u'),
    delete: flags.includes('d'),
  }));
}

/**
 * Gives a user a role holding exactly `grants`, through the store as an operator's CLI would
 * (the role is made when missing), and moves the clock past the grants cache.
 */
export async function giveRole(t: TestServer, username: string, roleName: string, grants: Grant[] = []): Promise<string> {
  const store = t.server.store;
  const account = (await store.accounts.findByName(t.account))!;
  const user = await store.users.findByUsername(account.id, username);
  if (!user) throw new Error(`no user ${username}`);
  let role = await store.roles.findByName(account.id, roleName);
  if (!role) {
    role = { id: newObjectId(), accountId: account.id, name: roleName, description: null, createdAt: t.clock.now() };
    await store.roles.create(role);
    for (const grant of grants) await store.roles.createPermission({ id: newObjectId(), accountId: account.id, roleId: role.id, ...grant });
  }
  await store.roles.addMembers(account.id, role.id, [user.id], t.clock.now());
  t.clock.advance(2_001);
  return role.id;
}

/** Registers a user with a password and logs it in: its access token. */
export async function signedInUser(t: TestServer, username: string, password = 'correct horse battery'): Promise<string> {
  await passwordUser(t, username, password);
  const res = await passwordGrant(t, username, password);
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}

/** Logs a registered user in again (after its roles changed, for a token with the new claims). */
export async function relogin(t: TestServer, username: string, password = 'correct horse battery'): Promise<string> {
  const res = await passwordGrant(t, username, password);
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}
