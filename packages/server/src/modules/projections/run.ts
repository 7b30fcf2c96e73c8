import { ApiError } from '../../errors.js';
import type { Filter, JsonObject, Sort } from '../../query/tree.js';
import { ScanBudgetExceeded, type MeshStore, type QueryBudget, type StoredDocument } from '../meshes/store.js';
import type { ProjectionUser } from './engine.js';
import type { EnginePool } from './engine-pool.js';
import { checkPipeline } from './pipeline-check.js';
import { pushDown } from './pushdown.js';
import type { Projection } from './types.js';

export interface ProjectionLimits {
  /** The scan budget of the SQL part (MeshyDB's "Database limit"). */
  readonly budget: QueryBudget;
  /** Most documents one run reads from a mesh (the projection's and each looked-up one). */
  readonly maxDocuments: number;
  /** What one blocking stage may hold, in bytes (MongoDB: 100 MB). */
  readonly stageBytes: number;
}

export interface RunDeps {
  /** The meshes' documents; absent while an account holds no meshes (before the meshes module). */
  readonly documents: Pick<MeshStore, 'search'> | undefined;
  readonly engine: Pick<EnginePool, 'run'>;
  readonly limits: ProjectionLimits;
}

export interface RunRequest {
  readonly filter?: Filter;
  readonly sort?: Sort;
  readonly page: number;
  readonly pageSize: number;
}

export interface RunResult {
  /** The page's documents as a JSON array, written once (stored text when SQL answered alone). */
  readonly results: string;
  readonly totalRecords: number;
  /** How it ran: tests and the bench assert that a plain pipeline never reaches the engine. */
  readonly plan: { readonly sqlOnly: boolean; readonly engineStages: number };
}

const and = (a: Filter | undefined, b: Filter | undefined): Filter | undefined => (a && b ? { kind: 'and', filters: [a, b] } : (a ?? b));
const asArray = (documents: readonly StoredDocument[]) => `[${documents.map((d) => d.json).join(',')}]`;

/**
 * Runs a projection over its meshes, whatever the caller's mesh permissions (a projection is the
 * data its definer chose to expose). The leading $match / $sort / $skip / $limit run in SQL; when
 * nothing else is left, the request's filter, order and page go to SQL too. Otherwise the rest of
 * the pipeline, then the request's filter, order and page, run in a worker thread.
 */
export async function runProjection(deps: RunDeps, projection: Projection, user: ProjectionUser | null, request: RunRequest): Promise<RunResult> {
  const pushed = pushDown(projection.pipeline);
  const offset = (request.page - 1) * request.pageSize;
  const source = deps.documents;
  if (pushed.rest.length === 0 && pushed.offset === 0 && pushed.limit === undefined) {
    if (!source) return { results: '[]', totalRecords: 0, plan: { sqlOnly: true, engineStages: 0 } };
    const found = await search(source, projection, { filter: and(pushed.filter, request.filter), sort: request.sort ?? pushed.sort, offset, limit: request.pageSize }, deps.limits.budget);
    return { results: asArray(found.results), totalRecords: found.totalRecords, plan: { sqlOnly: true, engineStages: 0 } };
  }
  const { maxDocuments } = deps.limits;
  const wanted = Math.min(pushed.limit ?? Number.MAX_SAFE_INTEGER, maxDocuments + 1);
  const candidates = source && wanted > 0 ? await search(source, projection, { filter: pushed.filter, sort: pushed.sort, offset: pushed.offset, limit: wanted }, deps.limits.budget) : undefined;
  const documents = candidates?.results ?? [];
  if (documents.length > maxDocuments) throw new ApiError('projection_scan_limit');
  const lookups: Record<string, string[]> = {};
  if (source) {
    for (const mesh of checkPipeline(pushed.rest).meshes) {
      const found = await search(source, { ...projection, mesh }, { offset: 0, limit: maxDocuments + 1 }, deps.limits.budget);
      if (found.results.length > maxDocuments) throw new ApiError('projection_scan_limit');
      lookups[mesh] = found.results.map((d) => d.json);
    }
  }
  const outcome = await deps.engine.run({
    stages: pushed.rest as JsonObject[],
    documents: documents.map((d) => d.json),
    lookups,
    user,
    filter: request.filter,
    sort: request.sort,
    offset,
    limit: request.pageSize,
    stageBytes: deps.limits.stageBytes,
    maxDocuments,
  });
  if (!outcome.ok) throw new ApiError(outcome.kind === 'limit' ? 'projection_memory_limit' : 'projection_failed', { detail: outcome.message });
  return { results: outcome.results, totalRecords: outcome.totalRecords, plan: { sqlOnly: false, engineStages: pushed.rest.length } };
}

async function search(source: Pick<MeshStore, 'search'>, projection: Projection, query: Parameters<MeshStore['search']>[2], budget: QueryBudget) {
  try {
    return await source.search(projection.accountId, projection.mesh, query, budget);
  } catch (error) {
    if (error instanceof ScanBudgetExceeded) throw new ApiError('projection_scan_limit', { detail: error.message });
    throw error;
  }
}
