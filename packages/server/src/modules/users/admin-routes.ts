import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { access } from '../../http/access.js';
import { signedInUser } from '../../http/authenticate.js';
import { pageOf } from '../../http/paging.js';
import { userAdminSchemas as schemas } from './admin-schemas.js';
import { createUser, deleteUser, getUser, searchUsers, setUserSecurityQuestions, updateUser, type UserAdminDeps } from './administration.js';
import { userView } from './view.js';

const can = {
  create: access.permission('users', 'create', 'users_create_forbidden'),
  read: access.permission('users', 'read', 'users_read_forbidden'),
  update: access.permission('users', 'update', 'users_update_forbidden'),
  delete: access.permission('users', 'delete', 'users_delete_forbidden'),
};

/** users/*.rst: one user administering others ("New User", "Existing", searching, updating, deleting). */
export async function userAdminRoutes(fastify: FastifyInstance, deps: UserAdminDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/users', { schema: schemas.create, config: { access: can.create } }, async (request, reply) => {
    return reply.code(201).send(userView(await createUser(deps, request.account, signedInUser(request), request.body)));
  });

  app.get('/users/:id', { schema: schemas.get, config: { access: can.read } }, async (request) => {
    return userView(await getUser(deps, request.account, request.params.id));
  });

  app.get('/users', { schema: schemas.search, config: { access: can.read } }, async (request) => {
    const { name, roleId, orderBy, activeOnly } = request.query;
    const paging = pageOf(request.query);
    const found = await searchUsers(deps, request.account, { name, roleId, orderBy, activeOnly, ...paging });
    return { ...paging, results: found.results.map(userView), totalRecords: found.totalRecords };
  });

  app.put('/users/:id', { schema: schemas.update, config: { access: can.update } }, async (request) => {
    return userView(await updateUser(deps, request.account, request.params.id, request.body));
  });

  app.post('/users/:id/questions', { schema: schemas.questions, config: { access: can.update } }, async (request, reply) => {
    await setUserSecurityQuestions(deps, request.account, request.params.id, request.body);
    return reply.code(204).send(null);
  });

  app.delete('/users/:id', { schema: schemas.delete, config: { access: can.delete } }, async (request, reply) => {
    await deleteUser(deps, request.account, signedInUser(request), request.params.id);
    return reply.code(204).send(null);
  });
}
