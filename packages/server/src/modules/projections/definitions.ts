import { ApiError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { newObjectId } from '../../lib/ids.js';
import { UniqueViolation } from '../../store/errors.js';
import { checkMeshName, checkProjectionName } from './names.js';
import { checkPipeline } from './pipeline-check.js';
import type { ProjectionStore } from './store.js';
import type { Projection } from './types.js';

/** What a definition is made from, by the API (a body) or the CLI (flags). */
export interface DefinitionInput {
  name?: string | null;
  mesh?: string | null;
  pipeline?: unknown;
  description?: string | null;
}

export interface DefinitionDeps {
  projections: ProjectionStore;
  clock: Clock;
  /** Called after a definition changes, so this process's permissibles see it at once. */
  changed?(accountId: string): void;
}

async function saved<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UniqueViolation) throw new ApiError('projection_name_taken');
    throw error;
  }
}

/** Checks in the order a reader fixes them: the name, the mesh, then the pipeline stage by stage. */
export async function createDefinition(deps: DefinitionDeps, accountId: string, input: DefinitionInput): Promise<Projection> {
  const name = checkProjectionName(input.name);
  const mesh = checkMeshName(input.mesh);
  const { pipeline } = checkPipeline(input.pipeline);
  const now = deps.clock.now();
  const projection: Projection = { id: newObjectId(now), accountId, name, mesh, pipeline, description: input.description?.trim() || null, createdAt: now, updatedAt: now };
  await saved(() => deps.projections.create(projection));
  deps.changed?.(accountId);
  return projection;
}

export async function findDefinition(deps: Pick<DefinitionDeps, 'projections'>, accountId: string, name: string): Promise<Projection> {
  const projection = name.trim() ? await deps.projections.findByName(accountId, name.trim()) : undefined;
  if (!projection) throw new ApiError('projection_not_found');
  return projection;
}

/** Fields left out (undefined) keep their value; a description of null clears it. */
export async function updateDefinition(deps: DefinitionDeps, accountId: string, name: string, input: DefinitionInput): Promise<Projection> {
  const existing = await findDefinition(deps, accountId, name);
  const change = {
    name: input.name === undefined ? existing.name : checkProjectionName(input.name),
    mesh: input.mesh === undefined ? existing.mesh : checkMeshName(input.mesh),
    pipeline: input.pipeline === undefined ? existing.pipeline : checkPipeline(input.pipeline).pipeline,
    description: input.description === undefined ? existing.description : input.description?.trim() || null,
    updatedAt: deps.clock.now(),
  };
  if (!(await saved(() => deps.projections.update(accountId, existing.name, change)))) throw new ApiError('projection_not_found');
  deps.changed?.(accountId);
  return { ...existing, ...change };
}

export async function deleteDefinition(deps: DefinitionDeps, accountId: string, name: string): Promise<void> {
  if (!name.trim() || !(await deps.projections.delete(accountId, name.trim()))) throw new ApiError('projection_not_found');
  deps.changed?.(accountId);
}
