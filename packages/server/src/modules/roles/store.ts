import type { Grant, Page, PageRequest, Permission, Role } from './types.js';

/** A role with how many users hold it, as searches answer. */
export type RoleWithCount = Role & { numberOfUsers: number };

/**
 * The roles port: roles, their permissions and their members (user_roles). Every method is
 * scoped to an account; an id of another account is simply not found.
 */
export interface RoleStore {
  /**
   * Throws UniqueViolation('role name') when the account has the name already, regardless of
   * case; of concurrent creations of one name exactly one succeeds.
   */
  create(role: Role): Promise<void>;
  findById(accountId: string, id: string): Promise<Role | undefined>;
  findByName(accountId: string, name: string): Promise<Role | undefined>;
  /** Name a case-insensitive partial match (undefined: all); ordered by name, then id. */
  search(accountId: string, query: { name?: string } & PageRequest): Promise<Page<RoleWithCount>>;
  /** False when there is no such role. Throws UniqueViolation('role name') as create does. */
  update(accountId: string, id: string, change: { name: string; description: string | null }): Promise<boolean>;
  /**
   * Deletes the role, its permissions and its memberships in one transaction; false when there
   * was none. A membership added concurrently either commits before (and is deleted with the role)
   * or fails to find the role: no user ever holds a deleted role.
   */
  delete(accountId: string, id: string): Promise<boolean>;

  /**
   * Throws UniqueViolation('permissible') when the role has a permission on that permissible
   * already (case-insensitively); of concurrent creations exactly one succeeds. The caller checks
   * the rules between permissibles (parent and child on one role) first.
   */
  createPermission(permission: Permission): Promise<void>;
  findPermission(accountId: string, roleId: string, id: string): Promise<Permission | undefined>;
  /** Ordered by permissible name; `permissibleName` a case-insensitive partial match. */
  searchPermissions(accountId: string, roleId: string, query: { permissibleName?: string } & PageRequest): Promise<Page<Permission>>;
  /** Every permission of the role, ordered by permissible name. */
  listPermissions(accountId: string, roleId: string): Promise<Permission[]>;
  /** False when there is no such permission. Throws UniqueViolation('permissible') as create does. */
  updatePermission(permission: Permission): Promise<boolean>;
  deletePermission(accountId: string, roleId: string, id: string): Promise<boolean>;

  /**
   * Adds the users to the role at `at`; users who hold it already keep their addedDate, ids that
   * are no user of the account are skipped. Returns how many were added. Concurrent adds of one
   * member add it once. False-y (0) and nothing written when the role does not exist.
   */
  addMembers(accountId: string, roleId: string, userIds: readonly string[], at: number): Promise<number>;
  /** Removes the users from the role; returns how many held it. */
  removeMembers(accountId: string, roleId: string, userIds: readonly string[]): Promise<number>;

  /**
   * Every role of the account with its grants, keyed by lower-cased role name: what the
   * permission check caches for a couple of seconds. One query.
   */
  accountGrants(accountId: string): Promise<Map<string, Grant[]>>;
}
