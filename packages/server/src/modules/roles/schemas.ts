import { Type, type Static } from 'typebox';
import { PagedResult, PageQuery } from '../../http/paging.js';
import { apiErrors, NullableString, NullableText } from '../../http/schemas.js';

const Id = (description: string) => Type.String({ maxLength: 64, description });
const RoleParams = Type.Object({ roleId: Id('Id of the role.') });
const PermissionParams = Type.Object({ roleId: Id('Id of the role.'), permissionId: Id('Id of the permission.') });

export const RoleBody = Type.Object({
  // Any character here: names.ts refuses all but letters, with the docs' reasons, before a store sees it.
  name: Type.Optional(NullableString({ maxLength: 4096, description: 'Alpha characters only; unique regardless of case; not meshy.*', anyCharacter: true })),
  description: Type.Optional(NullableString({ maxLength: 4096, description: 'What the role is for.' })),
});
export type RoleBody = Static<typeof RoleBody>;

/** A flag as MeshyDB's docs send it ("true") or its SDK does (true). */
const Flag = Type.Optional(Type.Union([Type.Boolean(), Type.Literal('true'), Type.Literal('false'), Type.Null()]));

export const PermissionBody = Type.Object({
  permissibleName: Type.Optional(NullableString({ maxLength: 256, description: "'meshes', 'meshes.{meshName}', 'users', 'roles', 'projections', 'projections.{name}'" })),
  create: Flag,
  update: Flag,
  read: Flag,
  delete: Flag,
});
export type PermissionBody = Static<typeof PermissionBody>;

export const MembersBody = Type.Object({
  users: Type.Optional(Type.Array(Type.Object({ id: Type.String({ maxLength: 64 }) }), { maxItems: 1000 })),
});
export type MembersBody = Static<typeof MembersBody>;

const RoleView = Type.Object({ name: Type.String(), description: NullableText(), id: Type.String() });
const RoleSearchView = Type.Object({ name: Type.String(), description: NullableText(), id: Type.String(), numberOfUsers: Type.Integer() });
const PermissionView = Type.Object({
  id: Type.String(),
  permissibleName: Type.String(),
  create: Type.Boolean(),
  update: Type.Boolean(),
  read: Type.Boolean(),
  delete: Type.Boolean(),
});
const PermissibleView = Type.Object({ name: Type.String(), canCreate: Type.Boolean(), canUpdate: Type.Boolean(), canRead: Type.Boolean(), canDelete: Type.Boolean() });

const input = ['field_invalid', 'page_invalid', 'page_size_invalid'] as const;
const nameRules = ['role_name_required', 'role_name_invalid', 'role_name_reserved', 'role_name_taken'] as const;
const permissionRules = [
  'permissible_name_required',
  'permission_flag_required',
  'permissible_not_found',
  'permissible_flag_unsupported',
  'permission_role_not_found',
  'permissible_taken',
  'permissible_overlap',
] as const;

export const roleSchemas = {
  create: { summary: 'Create a role', body: RoleBody, response: { 201: RoleView, ...apiErrors(...nameRules, 'field_invalid', 'roles_create_forbidden') } },
  get: { summary: 'A role', params: RoleParams, response: { 200: RoleView, ...apiErrors('role_not_found', 'roles_read_forbidden') } },
  search: {
    summary: 'Search roles by name',
    querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 256, description: 'Case-insensitive partial match.' })), ...PageQuery.properties }),
    response: { 200: PagedResult(RoleSearchView), ...apiErrors(...input, 'roles_read_forbidden') },
  },
  update: { summary: 'Rename or describe a role', params: RoleParams, body: RoleBody, response: { 200: RoleView, ...apiErrors(...nameRules, 'field_invalid', 'role_not_found', 'roles_update_forbidden') } },
  delete: { summary: 'Delete a role (its users lose it)', params: RoleParams, response: { 204: Type.Null(), ...apiErrors('role_system_undeletable', 'role_not_found', 'roles_delete_forbidden') } },
  createPermission: {
    summary: 'Give a role a permission',
    params: RoleParams,
    body: PermissionBody,
    response: { 201: PermissionView, ...apiErrors(...permissionRules, 'field_invalid', 'permissions_create_forbidden') },
  },
  getPermission: { summary: 'A permission of a role', params: PermissionParams, response: { 200: PermissionView, ...apiErrors('permission_not_found', 'roles_read_forbidden') } },
  searchPermissions: {
    summary: "Search a role's permissions",
    params: RoleParams,
    querystring: Type.Object({ permissibleName: Type.Optional(Type.String({ maxLength: 256, description: 'Case-insensitive partial match.' })), ...PageQuery.properties }),
    response: { 200: PagedResult(PermissionView), ...apiErrors(...input, 'roles_read_forbidden') },
  },
  updatePermission: {
    summary: 'Change a permission',
    params: PermissionParams,
    body: PermissionBody,
    response: { 200: PermissionView, ...apiErrors(...permissionRules, 'field_invalid', 'permission_not_found', 'roles_update_forbidden') },
  },
  deletePermission: { summary: 'Remove a permission', params: PermissionParams, response: { 204: Type.Null(), ...apiErrors('permission_not_found', 'roles_delete_forbidden') } },
  addMembers: { summary: 'Give users the role', params: RoleParams, body: MembersBody, response: { 204: Type.Null(), ...apiErrors('field_invalid', 'role_not_found', 'roles_update_forbidden') } },
  removeMembers: { summary: 'Take the role from users', params: RoleParams, body: MembersBody, response: { 204: Type.Null(), ...apiErrors('field_invalid', 'role_not_found', 'roles_update_forbidden') } },
  permissibles: {
    summary: 'What permissions can be about',
    querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 256, description: 'Case-insensitive partial match.' })), ...PageQuery.properties }),
    response: { 200: PagedResult(PermissibleView), ...apiErrors(...input, 'roles_read_forbidden') },
  },
};
