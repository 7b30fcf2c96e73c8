import type { AuthorizedCall } from '../authorized-call.js';
import type {
  BatchRoleUsers,
  PagedResult,
  Permissible,
  PermissibleSearch,
  Permission,
  PermissionFlag,
  PermissionInput,
  PermissionSearch,
  Role,
  RoleInput,
  RoleSearch,
} from '../types.js';
import { idSegment, queryFrom, withQuery } from './request-path.js';

/**
 * roles/ and permissibles endpoints (roles/*.rst). The caller needs permissions on `roles`
 * (e.g. `roles:read` to search); otherwise each call fails with the server's 403.
 */
export class RolesService {
  constructor(private readonly call: AuthorizedCall) {}

  /** POST /{account}/roles: 201 with the role. */
  async create(role: RoleInput): Promise<Role> {
    return this.call<Role>({ method: 'POST', path: 'roles', json: role });
  }

  /** GET /{account}/roles/{roleId}. */
  async get(roleId: string): Promise<Role> {
    return this.call<Role>({ method: 'GET', path: rolePath(roleId) });
  }

  /** GET /{account}/roles?name=&page=&pageSize=: `search({ name, page, pageSize })` or `search(name, page, pageSize)`. */
  search(query?: RoleSearch): Promise<PagedResult<Role>>;
  search(name?: string, page?: number, pageSize?: number): Promise<PagedResult<Role>>;
  async search(...args: unknown[]): Promise<PagedResult<Role>> {
    const query = queryFrom<RoleSearch>(['name', 'page', 'pageSize'], args);
    return this.call({ method: 'GET', path: withQuery('roles', { name: query.name, page: query.page, pageSize: query.pageSize }) });
  }

  /** PUT /{account}/roles/{roleId}: the role as it is now. */
  async update(roleId: string, role: RoleInput): Promise<Role> {
    return this.call<Role>({ method: 'PUT', path: rolePath(roleId), json: role });
  }

  /** DELETE /{account}/roles/{roleId}: also removes its permissions and its members. */
  async delete(roleId: string): Promise<void> {
    await this.call<void>({ method: 'DELETE', path: rolePath(roleId) });
  }

  /** POST /{account}/roles/{roleId}/permissions: 201 with the permission. */
  async createPermission(roleId: string, permission: PermissionInput): Promise<Permission> {
    return this.call<Permission>({ method: 'POST', path: `${rolePath(roleId)}/permissions`, json: permissionBody(permission) });
  }

  /** GET /{account}/roles/{roleId}/permissions/{permissionId}. */
  async getPermission(roleId: string, permissionId: string): Promise<Permission> {
    return this.call<Permission>({ method: 'GET', path: permissionPath(roleId, permissionId) });
  }

  /**
   * GET /{account}/roles/{roleId}/permissions?permissibleName=&page=&pageSize=:
   * `searchPermission(roleId, { permissibleName, page, pageSize })` or `searchPermission(roleId, permissibleName, page, pageSize)`.
   */
  searchPermission(roleId: string, query?: PermissionSearch): Promise<PagedResult<Permission>>;
  searchPermission(roleId: string, permissibleName?: string, page?: number, pageSize?: number): Promise<PagedResult<Permission>>;
  async searchPermission(roleId: string, ...args: unknown[]): Promise<PagedResult<Permission>> {
    const query = queryFrom<PermissionSearch>(['permissibleName', 'page', 'pageSize'], args);
    const path = withQuery(`${rolePath(roleId)}/permissions`, { permissibleName: query.permissibleName, page: query.page, pageSize: query.pageSize });
    return this.call({ method: 'GET', path });
  }

  /** PUT /{account}/roles/{roleId}/permissions/{permissionId}: the permission as it is now. */
  async updatePermission(roleId: string, permissionId: string, permission: PermissionInput): Promise<Permission> {
    return this.call<Permission>({ method: 'PUT', path: permissionPath(roleId, permissionId), json: permissionBody(permission) });
  }

  /** DELETE /{account}/roles/{roleId}/permissions/{permissionId}. */
  async deletePermission(roleId: string, permissionId: string): Promise<void> {
    await this.call<void>({ method: 'DELETE', path: permissionPath(roleId, permissionId) });
  }

  /**
   * GET /{account}/permissibles?name=&page=&pageSize=: what permissions can name. The docs write
   * `searchPermissible(name, page, pageSize)`, MeshyDB's SDK `searchPermissible({ name, page, pageSize })`: both work.
   */
  searchPermissible(query?: PermissibleSearch): Promise<PagedResult<Permissible>>;
  searchPermissible(name?: string, page?: number, pageSize?: number): Promise<PagedResult<Permissible>>;
  async searchPermissible(...args: unknown[]): Promise<PagedResult<Permissible>> {
    const query = queryFrom<PermissibleSearch>(['name', 'page', 'pageSize'], args);
    return this.call({ method: 'GET', path: withQuery('permissibles', { name: query.name, page: query.page, pageSize: query.pageSize }) });
  }

  /** POST /{account}/roles/{roleId}/users with `{ users: [{ id }] }`: 204. Users holding the role already keep it. */
  async addUsers(roleId: string, batchRoleAdd: BatchRoleUsers): Promise<void> {
    await this.call<void>({ method: 'POST', path: `${rolePath(roleId)}/users`, json: batchRoleAdd });
  }

  /** DELETE /{account}/roles/{roleId}/users with the same body as addUsers (as MeshyDB's SDK sends it): 204. */
  async removeUsers(roleId: string, batchRoleRemove: BatchRoleUsers): Promise<void> {
    await this.call<void>({ method: 'DELETE', path: `${rolePath(roleId)}/users`, json: batchRoleRemove });
  }
}

function rolePath(roleId: string): string {
  return `roles/${idSegment('roleId', roleId)}`;
}

function permissionPath(roleId: string, permissionId: string): string {
  return `${rolePath(roleId)}/permissions/${idSegment('permissionId', permissionId)}`;
}

/** The permission as sent: flags as booleans ("true"/"false" of the docs' examples read as such), others as given. */
function permissionBody(permission: PermissionInput): PermissionInput {
  const body: Record<string, unknown> = { ...permission };
  for (const action of ['create', 'update', 'read', 'delete'] as const) {
    if (action in body) body[action] = asBoolean(permission[action]);
  }
  return body as unknown as PermissionInput;
}

/** Anything but the two strings is sent unchanged, for the server to refuse with its reason. */
function asBoolean(flag: PermissionFlag | undefined): unknown {
  if (flag === 'true') return true;
  if (flag === 'false') return false;
  return flag;
}
