import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { access } from '../../http/access.js';
import { pageOf } from '../../http/paging.js';
import { roleSchemas as schemas } from './schemas.js';
import {
  changeMembers,
  createPermission,
  createRole,
  deletePermission,
  deleteRole,
  getPermission,
  getRole,
  searchPermissibles,
  searchPermissions,
  searchRoles,
  updatePermission,
  updateRole,
  type RoleServiceDeps,
} from './service.js';
import { permissibleView, permissionView, roleSearchView, roleView } from './view.js';

const can = {
  create: access.permission('roles', 'create', 'roles_create_forbidden'),
  read: access.permission('roles', 'read', 'roles_read_forbidden'),
  update: access.permission('roles', 'update', 'roles_update_forbidden'),
  delete: access.permission('roles', 'delete', 'roles_delete_forbidden'),
  createPermission: access.permission('roles', 'create', 'permissions_create_forbidden'),
};

/** roles/*.rst: roles, their permissions and members, and the permissibles. */
export async function roleRoutes(fastify: FastifyInstance, deps: RoleServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/roles', { schema: schemas.create, config: { access: can.create } }, async (request, reply) => {
    return reply.code(201).send(roleView(await createRole(deps, request.account, request.body)));
  });

  app.get('/roles/:roleId', { schema: schemas.get, config: { access: can.read } }, async (request) => {
    return roleView(await getRole(deps, request.account, request.params.roleId));
  });

  app.get('/roles', { schema: schemas.search, config: { access: can.read } }, async (request) => {
    const paging = pageOf(request.query);
    const found = await searchRoles(deps, request.account, { name: request.query.name, ...paging });
    return { ...paging, results: found.results.map(roleSearchView), totalRecords: found.totalRecords };
  });

  app.put('/roles/:roleId', { schema: schemas.update, config: { access: can.update } }, async (request) => {
    return roleView(await updateRole(deps, request.account, request.params.roleId, request.body));
  });

  app.delete('/roles/:roleId', { schema: schemas.delete, config: { access: can.delete } }, async (request, reply) => {
    await deleteRole(deps, request.account, request.params.roleId);
    return reply.code(204).send(null);
  });

  app.post('/roles/:roleId/permissions', { schema: schemas.createPermission, config: { access: can.createPermission } }, async (request, reply) => {
    return reply.code(201).send(permissionView(await createPermission(deps, request.account, request.params.roleId, request.body)));
  });

  app.get('/roles/:roleId/permissions/:permissionId', { schema: schemas.getPermission, config: { access: can.read } }, async (request) => {
    return permissionView(await getPermission(deps, request.account, request.params.roleId, request.params.permissionId));
  });

  app.get('/roles/:roleId/permissions', { schema: schemas.searchPermissions, config: { access: can.read } }, async (request) => {
    const paging = pageOf(request.query);
    const found = await searchPermissions(deps, request.account, request.params.roleId, { permissibleName: request.query.permissibleName, ...paging });
    return { ...paging, results: found.results.map(permissionView), totalRecords: found.totalRecords };
  });

  app.put('/roles/:roleId/permissions/:permissionId', { schema: schemas.updatePermission, config: { access: can.update } }, async (request) => {
    const { roleId, permissionId } = request.params;
    return permissionView(await updatePermission(deps, request.account, roleId, permissionId, request.body));
  });

  app.delete('/roles/:roleId/permissions/:permissionId', { schema: schemas.deletePermission, config: { access: can.delete } }, async (request, reply) => {
    await deletePermission(deps, request.account, request.params.roleId, request.params.permissionId);
    return reply.code(204).send(null);
  });

  app.post('/roles/:roleId/users', { schema: schemas.addMembers, config: { access: can.update } }, async (request, reply) => {
    await changeMembers(deps, request.account, request.params.roleId, request.body, 'add');
    return reply.code(204).send(null);
  });

  // MeshyDB's SDK sends the users to remove as a JSON body on DELETE.
  app.delete('/roles/:roleId/users', { schema: schemas.removeMembers, config: { access: can.update } }, async (request, reply) => {
    await changeMembers(deps, request.account, request.params.roleId, request.body, 'remove');
    return reply.code(204).send(null);
  });

  app.get('/permissibles', { schema: schemas.permissibles, config: { access: can.read } }, async (request) => {
    const paging = pageOf(request.query);
    const found = await searchPermissibles(deps, request.account, { name: request.query.name, ...paging });
    return { ...paging, results: found.results.map(permissibleView), totalRecords: found.totalRecords };
  });
}
