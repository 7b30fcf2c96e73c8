import { ApiError } from '../../errors.js';
import type { Filter, JsonObject, Sort } from '../../query/tree.js';
import { QueryTimeout, ScanBudgetExceeded, type MeshStore, type QueryBudget, type StoredDocument } from '../meshes/store.js';
import type { ProjectionUser } from './engine.js';
import type { EnginePool } from './engine-pool.js';
import { checkPipeline } from './pipeline-check.js';
import { pushDown } from './pushdown.js';
import type { Projection } from './types.js';

export interface ProjectionLimits {
  /** Most documents one run reads from a mesh (the projection's and each looked-up one). */
  readonly maxDocuments: number;
  /** What one blocking stage may hold, in bytes (MongoDB: 100 MB). */
  readonly stageBytes: number;
}

export interface RunDeps {
  readonly documents: Pick<MeshStore, 'search'>;
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
  /**
   * How it ran: tests and the bench assert that a plain pipeline never reaches the engine; the
   * milliseconds in SQL (every mesh read) and in the engine (its thread, queueing included).
   */
  readonly plan: { readonly sqlOnly: boolean; readonly engineStages: number; readonly sqlMs: number; readonly engineMs: number };
}

const and = (a: Filter | undefined, b: Filter | undefined): Filter | undefined => (a && b ? { kind: 'and', filters: [a, b] } : (a ?? b));
const asArray = (documents: readonly StoredDocument[]) => `[${documents.map((d) => d.json).join(',')}]`;

/**
 * Runs a projection over its meshes, whatever the caller's mesh permissions (a projection is the
 * data its definer chose to expose). The leading $match / $sort / $skip / $limit run in SQL; when
 * nothing else is left, the request's filter, order and page go to SQL too. Otherwise the rest of
 * the pipeline, then the request's filter, order and page, run in a worker thread. `budget`: the
 * account's scan budget (MeshyDB's "Database limit"), for every mesh the run reads.
 */
export async function runProjection(deps: RunDeps, projection: Projection, user: ProjectionUser | null, request: RunRequest, budget: QueryBudget): Promise<RunResult> {
  const started = performance.now();
  const pushed = pushDown(projection.pipeline);
  const offset = (request.page - 1) * request.pageSize;
  const source = deps.documents;
  if (pushed.rest.length === 0 && pushed.offset === 0 && pushed.limit === undefined) {
    const found = await search(source, projection, { filter: and(pushed.filter, request.filter), sort: request.sort ?? pushed.sort, offset, limit: request.pageSize }, budget);
    return { results: asArray(found.results), totalRecords: found.totalRecords, plan: { sqlOnly: true, engineStages: 0, sqlMs: performance.now() - started, engineMs: 0 } };
  }
  const { maxDocuments } = deps.limits;
  const wanted = Math.min(pushed.limit ?? Number.MAX_SAFE_INTEGER, maxDocuments + 1);
  const candidates = wanted > 0 ? await search(source, projection, { filter: pushed.filter, sort: pushed.sort, offset: pushed.offset, limit: wanted }, budget) : undefined;
  const documents = candidates?.results ?? [];
  if (documents.length > maxDocuments) throw new ApiError('projection_scan_limit');
  const lookups: Record<string, string[]> = {};
  for (const mesh of checkPipeline(pushed.rest).meshes) {
    const found = await search(source, { ...projection, mesh }, { offset: 0, limit: maxDocuments + 1 }, budget);
    if (found.results.length > maxDocuments) throw new ApiError('projection_scan_limit');
    lookups[mesh] = found.results.map((d) => d.json);
  }
  const sqlDone = performance.now();
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
  const plan = { sqlOnly: false, engineStages: pushed.rest.length, sqlMs: sqlDone - started, engineMs: performance.now() - sqlDone };
  return { results: outcome.results, totalRecords: outcome.totalRecords, plan };
}

async function search(source: Pick<MeshStore, 'search'>, projection: Projection, query: Parameters<MeshStore['search']>[2], budget: QueryBudget) {
  try {
    return await source.search(projection.accountId, projection.mesh, query, budget);
  } catch (error) {
    // The same refusals as a mesh search's: the account's scan budget, the store's statement timeout.
    if (error instanceof ScanBudgetExceeded) throw new ApiError('database_limit_exceeded', { detail: error.message });
    if (error instanceof QueryTimeout) throw new ApiError('database_timeout', { detail: error.message });
    throw error;
  }
}
