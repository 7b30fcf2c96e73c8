import { isApiError } from '../errors.js';
import { newObjectId } from '../lib/ids.js';
import type { Account } from '../modules/accounts/types.js';
import { checkRoleName, SYSTEM_ROLE_PREFIX } from '../modules/roles/names.js';
import { formatGrants } from '../modules/roles/permissions.js';
import type { Grant, Role } from '../modules/roles/types.js';
import { UniqueViolation } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { findAccount } from './account-commands.js';
import { checkGrants, parseGrantsOption } from './grants.js';
import { output, UsageError, type Options } from './usage.js';

const usage =
  'usage: openmeshy role create ACCOUNT NAME [--description TEXT] [--permission PERMISSIBLE:FLAGS]... | list ACCOUNT | delete ACCOUNT NAME';

/**
 * Roles from the command line: how an operator makes the first administrator, since no one can
 * call the roles API before some role allows it (MeshyDB's web portal did this).
 */
export async function roleCommand(store: Store, action: string | undefined, args: string[], options: Options): Promise<void> {
  const json = options.json === true;
  if (action === 'create' && args.length === 2) {
    const role = await createRole(store, await findAccount(store, args[0]), args[1]!, options);
    output(json, role, `role ${role.name} created in ${role.accountName}${role.permissions === 'none' ? '' : ` with ${role.permissions}`}`);
  } else if (action === 'list' && args.length === 1) {
    const roles = await listRoles(store, await findAccount(store, args[0]));
    const line = (r: (typeof roles)[number]) =>
      `${r.name}  ${r.permissions}  ${r.numberOfUsers} user${r.numberOfUsers === 1 ? '' : 's'}${r.description ? `  ${r.description}` : ''}`;
    output(json, roles, roles.map(line).join('\n') || '(no roles)');
  } else if (action === 'delete' && args.length === 2) {
    const account = await findAccount(store, args[0]);
    const role = await findRole(store, account, args[1]!);
    if (role.name.toLowerCase().startsWith(SYSTEM_ROLE_PREFIX)) throw new UsageError(`role ${role.name} is the system's and cannot be deleted`);
    if (!(await store.roles.delete(account.id, role.id))) throw new UsageError(`no role "${role.name}" in account ${account.name}`);
    output(json, { accountName: account.name, name: role.name, deleted: true }, `role ${role.name} deleted from ${account.name}; its users no longer hold it`);
  } else {
    throw new UsageError(usage);
  }
}

export async function findRole(store: Store, account: Account, name: string): Promise<Role> {
  const role = await store.roles.findByName(account.id, name);
  if (!role) throw new UsageError(`no role "${name}" in account ${account.name}`);
  return role;
}

async function createRole(store: Store, account: Account, rawName: string, options: Options) {
  let name: string;
  try {
    name = checkRoleName(rawName);
  } catch (error) {
    if (isApiError(error)) throw new UsageError(`role name "${rawName}": ${error.reason}`);
    throw error;
  }
  const description = typeof options.description === 'string' && options.description.trim() ? options.description.trim() : null;
  const grants = await checkGrants('--permission', permissionOptions(options.permission));
  const taken = () => new UsageError(`role "${name}" already exists in account ${account.name} (role names are unique regardless of case)`);
  if (await store.roles.findByName(account.id, name)) throw taken();

  const now = Date.now();
  const role: Role = { id: newObjectId(now), accountId: account.id, name, description, createdAt: now };
  try {
    await store.roles.create(role);
  } catch (error) {
    if (error instanceof UniqueViolation) throw taken();
    throw error;
  }
  try {
    for (const grant of grants) await store.roles.createPermission({ id: newObjectId(now), accountId: account.id, roleId: role.id, ...grant });
  } catch (error) {
    // Every permission was checked above, so only a concurrent writer gets here: leave no half-made role.
    await store.roles.delete(account.id, role.id);
    throw error;
  }
  return { accountName: account.name, id: role.id, name, description, permissions: formatGrants(grants) };
}

/** Each --permission is one PERMISSIBLE:FLAGS; several are several flags. */
function permissionOptions(raw: Options[string]): Grant[] {
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  return values.map((value) => {
    const grants = parseGrantsOption('--permission', value);
    if (grants.length !== 1) throw new UsageError(`--permission takes one PERMISSIBLE:FLAGS (e.g. meshes:crud); repeat it for more, got "${value}"`);
    return grants[0]!;
  });
}

async function listRoles(store: Store, account: Account) {
  const roles = [];
  const pageSize = 200;
  for (let page = 1; ; page++) {
    const found = await store.roles.search(account.id, { page, pageSize });
    roles.push(...found.results);
    if (found.results.length < pageSize) break;
  }
  return Promise.all(
    roles.map(async (role) => ({
      id: role.id,
      name: role.name,
      description: role.description,
      permissions: formatGrants(await store.roles.listPermissions(account.id, role.id)),
      numberOfUsers: role.numberOfUsers,
    })),
  );
}
