import { ApiError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { newObjectId } from '../../lib/ids.js';
import { UniqueViolation } from '../../store/errors.js';
import type { Account } from '../accounts/types.js';
import type { GrantsCache } from './grants-cache.js';
import { checkRoleName, SYSTEM_ROLE_PREFIX } from './names.js';
import { checkPermission, listPermissibles, type AccountContents, type Permissible } from './permissibles.js';
import type { MembersBody, PermissionBody, RoleBody } from './schemas.js';
import type { RoleStore, RoleWithCount } from './store.js';
import type { Grant, Page, PageRequest, Permission, Role } from './types.js';

export interface RoleServiceDeps {
  roles: RoleStore;
  clock: Clock;
  grants: Pick<GrantsCache, 'invalidate'>;
  /** The account's meshes and projections, for the permissibles. */
  contents(account: Account): AccountContents;
}

/** Renames and new names as the docs require them; a taken name is the store's to find (races). */
async function saved<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UniqueViolation && error.field === 'role name') throw new ApiError('role_name_taken');
    if (error instanceof UniqueViolation && error.field === 'permissible') throw new ApiError('permissible_taken');
    throw error;
  }
}

export async function createRole(deps: RoleServiceDeps, account: Account, body: RoleBody): Promise<Role> {
  const role: Role = { id: newObjectId(deps.clock.now()), accountId: account.id, name: checkRoleName(body.name), description: body.description ?? null, createdAt: deps.clock.now() };
  await saved(() => deps.roles.create(role));
  return role;
}

export async function getRole(deps: RoleServiceDeps, account: Account, roleId: string): Promise<Role> {
  const role = await deps.roles.findById(account.id, roleId);
  if (!role) throw new ApiError('role_not_found');
  return role;
}

export function searchRoles(deps: RoleServiceDeps, account: Account, query: { name?: string } & PageRequest): Promise<Page<RoleWithCount>> {
  return deps.roles.search(account.id, query);
}

export async function updateRole(deps: RoleServiceDeps, account: Account, roleId: string, body: RoleBody): Promise<Role> {
  const existing = await getRole(deps, account, roleId);
  const change = { name: checkRoleName(body.name), description: body.description === undefined ? existing.description : body.description };
  if (!(await saved(() => deps.roles.update(account.id, roleId, change)))) throw new ApiError('role_not_found');
  deps.grants.invalidate(account.id);
  return { ...existing, ...change };
}

export async function deleteRole(deps: RoleServiceDeps, account: Account, roleId: string): Promise<void> {
  const role = await getRole(deps, account, roleId);
  if (role.name.toLowerCase().startsWith(SYSTEM_ROLE_PREFIX)) throw new ApiError('role_system_undeletable');
  if (!(await deps.roles.delete(account.id, roleId))) throw new ApiError('role_not_found');
  deps.grants.invalidate(account.id);
}

/** A flag as sent: a boolean, "true" / "false", or nothing (false). */
function flag(value: boolean | 'true' | 'false' | null | undefined): boolean {
  return value === true || value === 'true';
}

function grantOf(body: PermissionBody): Grant {
  return { permissibleName: body.permissibleName?.trim() ?? '', create: flag(body.create), read: flag(body.read), update: flag(body.update), delete: flag(body.delete) };
}

/** The documented checks, in their order, then the role: "Role does not exist." is a 400 here. */
async function checkedPermission(deps: RoleServiceDeps, account: Account, roleId: string, body: PermissionBody, replacing?: string): Promise<Grant> {
  const grant = grantOf(body);
  const role = await deps.roles.findById(account.id, roleId);
  const others = role ? (await deps.roles.listPermissions(account.id, roleId)).filter((p) => p.id !== replacing) : [];
  const permissible = await checkPermission(grant, others, deps.contents(account));
  if (!role) throw new ApiError('permission_role_not_found');
  return { ...grant, permissibleName: permissible.name };
}

export async function createPermission(deps: RoleServiceDeps, account: Account, roleId: string, body: PermissionBody): Promise<Permission> {
  const grant = await checkedPermission(deps, account, roleId, body);
  const permission: Permission = { id: newObjectId(deps.clock.now()), accountId: account.id, roleId, ...grant };
  await saved(() => deps.roles.createPermission(permission));
  deps.grants.invalidate(account.id);
  return permission;
}

export async function getPermission(deps: RoleServiceDeps, account: Account, roleId: string, permissionId: string): Promise<Permission> {
  const permission = await deps.roles.findPermission(account.id, roleId, permissionId);
  if (!permission) throw new ApiError('permission_not_found');
  return permission;
}

export function searchPermissions(deps: RoleServiceDeps, account: Account, roleId: string, query: { permissibleName?: string } & PageRequest): Promise<Page<Permission>> {
  return deps.roles.searchPermissions(account.id, roleId, query);
}

export async function updatePermission(deps: RoleServiceDeps, account: Account, roleId: string, permissionId: string, body: PermissionBody): Promise<Permission> {
  await getPermission(deps, account, roleId, permissionId);
  const grant = await checkedPermission(deps, account, roleId, body, permissionId);
  const permission: Permission = { id: permissionId, accountId: account.id, roleId, ...grant };
  if (!(await saved(() => deps.roles.updatePermission(permission)))) throw new ApiError('permission_not_found');
  deps.grants.invalidate(account.id);
  return permission;
}

export async function deletePermission(deps: RoleServiceDeps, account: Account, roleId: string, permissionId: string): Promise<void> {
  if (!(await deps.roles.deletePermission(account.id, roleId, permissionId))) throw new ApiError('permission_not_found');
  deps.grants.invalidate(account.id);
}

/** Adds or removes members; anonymous users and ids of no user are skipped (anonymous users hold no roles). */
export async function changeMembers(deps: RoleServiceDeps, account: Account, roleId: string, body: MembersBody, change: 'add' | 'remove'): Promise<void> {
  await getRole(deps, account, roleId);
  const ids = [...new Set((body.users ?? []).map((u) => u.id))];
  if (ids.length === 0) return;
  if (change === 'add') await deps.roles.addMembers(account.id, roleId, ids, deps.clock.now());
  else await deps.roles.removeMembers(account.id, roleId, ids);
}

export async function searchPermissibles(deps: RoleServiceDeps, account: Account, query: { name?: string } & PageRequest): Promise<Page<Permissible>> {
  const needle = query.name?.toLowerCase() ?? '';
  const all = (await listPermissibles(deps.contents(account))).filter((p) => p.name.toLowerCase().includes(needle));
  const start = (query.page - 1) * query.pageSize;
  return { results: all.slice(start, start + query.pageSize), totalRecords: all.length };
}
