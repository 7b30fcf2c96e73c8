import { isApiError } from '../errors.js';
import { systemClock } from '../lib/clock.js';
import type { Account } from '../modules/accounts/types.js';
import type { Role } from '../modules/roles/types.js';
import { checkUsername } from '../modules/users/checks.js';
import { userWithCredentials } from '../modules/users/service.js';
import type { User } from '../modules/users/types.js';
import { UniqueViolation } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { findAccount } from './account-commands.js';
import { readPasswordFromStdin } from './password-input.js';
import { findRole } from './role-commands.js';
import { output, UsageError, type Options } from './usage.js';

const usage = `usage: openmeshy user create ACCOUNT USERNAME --password-stdin [--role ROLE]...
       openmeshy user role add|remove ACCOUNT USERNAME ROLE
       openmeshy user activate|deactivate ACCOUNT USERNAME`;

/** Users an operator manages by hand: the first administrator, roles, and switching users off and on. */
export async function userCommand(store: Store, action: string | undefined, args: string[], options: Options): Promise<void> {
  const json = options.json === true;
  // Arguments are never echoed here: a password typed on the command line by mistake would land in the output.
  if (action === 'create' && args.length === 2) {
    const user = await createUser(store, await findAccount(store, args[0]), args[1]!, options);
    output(json, user, `user ${user.username} created in ${user.accountName}${user.roles.length ? ` with roles ${user.roles.join(', ')}` : ''}`);
  } else if (action === 'role' && (args[0] === 'add' || args[0] === 'remove') && args.length === 4) {
    await roleMembership(store, args[0], args[1]!, args[2]!, args[3]!, json);
  } else if ((action === 'activate' || action === 'deactivate') && args.length === 2) {
    const account = await findAccount(store, args[0]);
    const user = await findUser(store, account, args[1]!);
    const active = action === 'activate';
    await store.users.setActive(account.id, user.id, active);
    output(json, { accountName: account.name, username: user.username, isActive: active }, `${user.username} is now ${active ? 'active' : 'inactive'}`);
  } else {
    throw new UsageError(usage);
  }
}

async function findUser(store: Store, account: Account, username: string): Promise<User> {
  const user = await store.users.findByUsername(account.id, username);
  if (!user) throw new UsageError(`no user "${username}" in account ${account.name}`);
  return user;
}

/**
 * A registered, verified, active user with a password and roles: what an operator needs for an
 * administrator. Everything is checked before the password is hashed and anything is written.
 */
async function createUser(store: Store, account: Account, rawUsername: string, options: Options) {
  if (options['password-stdin'] !== true) {
    throw new UsageError('user create needs --password-stdin: the password is read from standard input, never from the command line');
  }
  let username: string;
  try {
    username = checkUsername(rawUsername);
  } catch (error) {
    if (isApiError(error)) throw new UsageError(`username: ${error.reason}`);
    throw error;
  }
  const taken = () => new UsageError(`user "${username}" already exists in account ${account.name}`);
  if (await store.users.findByUsername(account.id, username)) throw taken();
  const roleNames = options.role === undefined ? [] : Array.isArray(options.role) ? options.role : [String(options.role)];
  const roles: Role[] = [];
  for (const name of roleNames) roles.push(await findRole(store, account, name));
  const password = await readPasswordFromStdin();

  const now = Date.now();
  // Built as POST /users builds one (users/service.ts), with the flags an administrator needs.
  const fields = { username, firstName: null, lastName: null, emailAddress: null, phoneNumber: null, questions: [], password };
  const user = await userWithCredentials({ users: store.users, clock: systemClock }, account, fields, { verified: true, isActive: true, neverAccessed: true });
  try {
    await store.users.create(user);
  } catch (error) {
    if (error instanceof UniqueViolation) throw taken();
    throw error;
  }
  for (const role of roles) await store.roles.addMembers(account.id, role.id, [user.id], now);
  const created = (await store.users.findById(account.id, user.id))!;
  const held = new Set(created.roles.map((r) => r.name.toLowerCase()));
  // Only a role deleted meanwhile (by a concurrent command or an API call) is missing.
  const lost = roles.filter((r) => !held.has(r.name.toLowerCase()));
  if (lost.length) throw new UsageError(`user ${username} was created, but role ${lost.map((r) => r.name).join(', ')} was deleted meanwhile`);
  return { accountName: account.name, id: created.id, username: created.username, verified: created.verified, isActive: created.isActive, roles: created.roles.map((r) => r.name) };
}

async function roleMembership(store: Store, change: 'add' | 'remove', accountName: string, username: string, roleName: string, json: boolean): Promise<void> {
  const account = await findAccount(store, accountName);
  const user = await findUser(store, account, username);
  const role = await findRole(store, account, roleName);
  // MeshyDB's rule (users/creating_users.rst, "Registering Anonymous User"): no roles for anonymous users.
  if (change === 'add' && user.anonymous) throw new UsageError(`${user.username} is an anonymous user, and anonymous users cannot be given roles`);
  const changed =
    change === 'add' ? (await store.roles.addMembers(account.id, role.id, [user.id], Date.now())) > 0 : (await store.roles.removeMembers(account.id, role.id, [user.id])) > 0;
  const roles = ((await store.users.findById(account.id, user.id))?.roles ?? []).map((r) => r.name);
  const human =
    change === 'add'
      ? changed ? `${user.username} now holds ${role.name}` : `${user.username} already holds ${role.name}`
      : changed ? `${user.username} no longer holds ${role.name}` : `${user.username} did not hold ${role.name}`;
  output(json, { accountName: account.name, username: user.username, role: role.name, changed, roles }, human);
}
