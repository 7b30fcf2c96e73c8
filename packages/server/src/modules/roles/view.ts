import type { Permissible } from './permissibles.js';
import type { RoleWithCount } from './store.js';
import type { Permission, Role } from './types.js';

/** A role as the docs show it: name, description, id (and numberOfUsers in searches). */
export function roleView(role: Role) {
  return { name: role.name, description: role.description, id: role.id };
}

export function roleSearchView(role: RoleWithCount) {
  return { ...roleView(role), numberOfUsers: role.numberOfUsers };
}

/** A permission as the docs show it; flags are booleans (the docs' examples show strings, their searches booleans). */
export function permissionView(permission: Permission) {
  return {
    id: permission.id,
    permissibleName: permission.permissibleName,
    create: permission.create,
    update: permission.update,
    read: permission.read,
    delete: permission.delete,
  };
}

export function permissibleView(permissible: Permissible) {
  return {
    name: permissible.name,
    canCreate: permissible.canCreate,
    canUpdate: permissible.canUpdate,
    canRead: permissible.canRead,
    canDelete: permissible.canDelete,
  };
}
