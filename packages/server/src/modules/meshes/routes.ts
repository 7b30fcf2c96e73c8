import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ApiError } from '../../errors.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { access } from '../../http/access.js';
import { pageOf } from '../../http/paging.js';
import { meshPermissible } from './names.js';
import { meshSchemas as schemas } from './schemas.js';
import { createMany } from './bulk-create.js';
import { createOne, deleteMany, deleteOne, getOne, replaceOne, search, updateMany, type MeshServiceDeps } from './service.js';
import { createdManyJson, deleteManyView, searchPageJson, updateManyView } from './view.js';

/** `meshes.{mesh}` from the path; a `meshes` grant covers every mesh (roles/permissions.ts). */
const permissible = (request: { params: unknown }) => meshPermissible((request.params as { mesh?: unknown }).mesh);
const can = {
  create: access.permission(permissible, 'create', 'meshes_create_forbidden'),
  read: access.permission(permissible, 'read', 'meshes_read_forbidden'),
  update: access.permission(permissible, 'update', 'meshes_update_forbidden'),
  delete: access.permission(permissible, 'delete', 'meshes_delete_forbidden'),
};

/**
 * Before the schema check, which reads an absent or null body as `{}`: POST and PUT without data
 * would store an empty document (PUT would wipe one), so they are "No data was provided.".
 */
function dataRequired(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  done(request.body === undefined || request.body === null ? new ApiError('mesh_data_missing') : undefined);
}

/** Stored JSON text goes out as it is: no parse, no serialiser (the hot paths). */
function sendJson(reply: FastifyReply, status: number, json: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(json);
}

/** data/*.rst: documents in named meshes, created, read, searched, updated and deleted. */
export async function meshRoutes(fastify: FastifyInstance, deps: MeshServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/meshes/:mesh', { schema: schemas.create, config: { access: can.create }, preValidation: dataRequired }, async (request, reply) => {
    const { body } = request;
    if (Array.isArray(body)) return sendJson(reply, 201, createdManyJson(await createMany(deps, request.account, request.params.mesh, body)));
    return sendJson(reply, 201, (await createOne(deps, request.account, request.params.mesh, body)).json);
  });

  app.get('/meshes/:mesh/:id', { schema: schemas.get, config: { access: can.read } }, async (request, reply) => {
    return sendJson(reply, 200, (await getOne(deps, request.account, request.params.mesh, request.params.id)).json);
  });

  app.get('/meshes/:mesh', { schema: schemas.search, config: { access: can.read } }, async (request, reply) => {
    const paging = pageOf(request.query);
    const found = await search(deps, request.account, request.params.mesh, { filter: request.query.filter, orderBy: request.query.orderBy, ...paging });
    return sendJson(reply, 200, searchPageJson(paging.page, paging.pageSize, found));
  });

  app.put('/meshes/:mesh/:id', { schema: schemas.replace, config: { access: can.update }, preValidation: dataRequired }, async (request, reply) => {
    return sendJson(reply, 200, (await replaceOne(deps, request.account, request.params.mesh, request.params.id, request.body)).json);
  });

  app.patch('/meshes/:mesh', { schema: schemas.updateMany, config: { access: can.update } }, async (request) => {
    return updateManyView(await updateMany(deps, request.account, request.params.mesh, request.body));
  });

  app.delete('/meshes/:mesh/:id', { schema: schemas.deleteOne, config: { access: can.delete } }, async (request, reply) => {
    await deleteOne(deps, request.account, request.params.mesh, request.params.id);
    return reply.code(204).send(null);
  });

  app.delete('/meshes/:mesh', { schema: schemas.deleteMany, config: { access: can.delete } }, async (request) => {
    return deleteManyView(await deleteMany(deps, request.account, request.params.mesh, request.query.filter));
  });
}
