import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError, isApiError } from '../../errors.js';
import { access } from '../../http/access.js';
import { signedInUser } from '../../http/authenticate.js';
import { pageOf } from '../../http/paging.js';
import { parseFilter, parseOrderBy } from '../../query/parse.js';
import { createDefinition, deleteDefinition, findDefinition, updateDefinition, type DefinitionDeps } from './definitions.js';
import { runProjection, type RunDeps } from './run.js';
import { projectionSchemas as schemas } from './schemas.js';
import { projectionView } from './view.js';

export type ProjectionRouteDeps = DefinitionDeps & RunDeps;

const can = {
  read: access.permission('projections', 'read', 'projections_read_forbidden'),
  create: access.permission('projections', 'create', 'projections_create_forbidden'),
  update: access.permission('projections', 'update', 'projections_update_forbidden'),
  delete: access.permission('projections', 'delete', 'projections_delete_forbidden'),
  // `projections` or `projections.{name}` read: a user may read one projection and nothing under it.
  run: access.permission((request: FastifyRequest) => `projections.${(request.params as { name: string }).name.trim()}`, 'read', 'projections_read_forbidden'),
};

function parsed<T>(parse: () => T, code: 'projection_filter_invalid' | 'projection_order_by_invalid'): T {
  try {
    return parse();
  } catch {
    throw new ApiError(code);
  }
}

/** data/projecting.rst: running stored projections, and (beyond MeshyDB's portal) defining them. */
export async function projectionRoutes(fastify: FastifyInstance, deps: ProjectionRouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/projections', { schema: schemas.list, config: { access: can.read } }, async (request) => {
    const paging = pageOf(request.query);
    const all = await deps.projections.list(request.account.id);
    const start = (paging.page - 1) * paging.pageSize;
    return { ...paging, results: all.slice(start, start + paging.pageSize).map(projectionView), totalRecords: all.length };
  });

  app.post('/projections', { schema: schemas.create, config: { access: can.create } }, async (request, reply) => {
    return reply.code(201).send(projectionView(await createDefinition(deps, request.account.id, request.body)));
  });

  app.put('/projections/:name', { schema: schemas.update, config: { access: can.update } }, async (request) => {
    return projectionView(await updateDefinition(deps, request.account.id, request.params.name, request.body));
  });

  app.delete('/projections/:name', { schema: schemas.delete, config: { access: can.delete } }, async (request, reply) => {
    await deleteDefinition(deps, request.account.id, request.params.name);
    return reply.code(204).send(null);
  });

  // GET /projections/ and /projections/%20 name no projection: the docs' 400, before any permission.
  app.get('/projections/', { schema: schemas.runWithoutName, config: { access: access.public } }, async () => {
    throw new ApiError('projection_name_required');
  });

  app.get('/projections/:name', { schema: schemas.run, config: { access: can.run } }, async (request, reply) => {
    const { name } = request.params;
    if (!name.trim()) throw new ApiError('projection_name_required');
    const filter = parsed(() => parseFilter(request.query.filter), 'projection_filter_invalid');
    const sort = parsed(() => parseOrderBy(request.query.orderBy), 'projection_order_by_invalid');
    const paging = pageOf(request.query);
    const projection = await findDefinition(deps, request.account.id, name);
    const user = signedInUser(request);
    const caller = { id: user.id, username: user.username, roles: user.roles.map((r) => r.name) };
    const run = await runProjection(deps, projection, caller, { filter, sort, ...paging }, { maxScan: request.account.settings.scanBudget }).catch((error: unknown) => {
      // Why a stored pipeline failed or hit a cap is for the operator's log, not the client.
      if (isApiError(error)) request.log.warn({ projection: projection.name, code: error.code, detail: error.message }, 'projection refused');
      throw error;
    });
    request.log.debug({ projection: projection.name, plan: run.plan }, 'projection run');
    // The page is JSON already (stored text, or the worker's): written around it, not re-serialised.
    const body = `{"page":${paging.page},"pageSize":${paging.pageSize},"results":${run.results},"totalRecords":${run.totalRecords}}`;
    // A string with a JSON content type goes out as it is (Fastify serialises only objects).
    reply.header('server-timing', `sql;dur=${run.plan.sqlMs.toFixed(1)}, engine;dur=${run.plan.engineMs.toFixed(1)}`);
    return reply.type('application/json; charset=utf-8').send(body as never);
  });
}
