import { ApiError, type ReasonCode } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { parseFilter, parseOrderBy, parseUpdate, QueryError } from '../../query/parse.js';
import type { Account } from '../accounts/types.js';
import { documentProblem, isRecord, newDocument, storableDocument } from './documents.js';
import { canonicalMeshId } from './ids.js';
import { meshNameOf } from './names.js';
import { stored } from './store-errors.js';
import type { MeshStore, QueryBudget, SearchResult, StoredDocument, UpdateManyResult } from './store.js';

export interface MeshServiceDeps {
  meshes: MeshStore;
  clock: Clock;
}

const budgetOf = (account: Account): QueryBudget => ({ maxScan: account.settings.scanBudget });

/** Parses one document of a request, or answers the route's sentence for it. */
function parsed<T>(parse: () => T, code: ReasonCode): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof QueryError) throw new ApiError(code, { detail: error.detail });
    throw error;
  }
}

export async function createOne(deps: MeshServiceDeps, account: Account, rawMesh: string, body: unknown): Promise<StoredDocument> {
  const mesh = meshNameOf(rawMesh);
  const document = newDocument(body, deps.clock.now());
  await stored(() => deps.meshes.insert(account.id, mesh, [document]));
  return document;
}

export async function getOne(deps: MeshServiceDeps, account: Account, rawMesh: string, rawId: string): Promise<StoredDocument> {
  const mesh = meshNameOf(rawMesh);
  const id = canonicalMeshId(rawId);
  const document = id === undefined ? undefined : await stored(() => deps.meshes.get(account.id, mesh, id));
  if (!document) throw new ApiError('mesh_not_found');
  return document;
}

/**
 * PUT replaces the whole document (what the body leaves out is gone) and never creates one: an id
 * that names no document is 404, as GET and DELETE answer. The body may repeat the `_id` of the
 * path, or leave it out; another one is refused, since an id never changes.
 */
export async function replaceOne(deps: MeshServiceDeps, account: Account, rawMesh: string, rawId: string, body: unknown): Promise<StoredDocument> {
  const mesh = meshNameOf(rawMesh);
  if (!isRecord(body)) throw new ApiError('mesh_data_not_object');
  const problem = documentProblem(body);
  if (problem) throw new ApiError(problem);
  const id = canonicalMeshId(rawId);
  const given = body._id;
  if (given !== undefined && given !== null && (id === undefined || canonicalMeshId(given) !== id)) throw new ApiError('mesh_id_unchangeable');
  if (id === undefined) throw new ApiError('mesh_not_found');
  const document = storableDocument(id, body);
  if (!(await stored(() => deps.meshes.replace(account.id, mesh, document)))) throw new ApiError('mesh_not_found');
  return document;
}

export interface PatchBody {
  filter?: unknown;
  update?: unknown;
}

/** PATCH: the docs' checks in their order (both present, then both well-formed), then one transaction in the store. */
export async function updateMany(deps: MeshServiceDeps, account: Account, rawMesh: string, body: PatchBody): Promise<UpdateManyResult> {
  const mesh = meshNameOf(rawMesh);
  const attempt = <T>(parse: () => T): { value?: T; error?: QueryError } => {
    try {
      return { value: parse() };
    } catch (error) {
      if (error instanceof QueryError) return { error };
      throw error;
    }
  };
  const filter = attempt(() => parseFilter(body.filter));
  const update = attempt(() => parseUpdate(body.update));
  if (!filter.error && filter.value === undefined) throw new ApiError('filter_required');
  if (!update.error && update.value === undefined) throw new ApiError('update_required');
  if (filter.error) throw new ApiError('filter_invalid', { detail: filter.error.detail });
  if (update.error) throw new ApiError('update_invalid', { detail: update.error.detail });
  return stored(() => deps.meshes.updateMany(account.id, mesh, filter.value, update.value!, deps.clock.now(), budgetOf(account)));
}

export interface SearchQuery {
  filter?: unknown;
  orderBy?: unknown;
  page: number;
  pageSize: number;
}

export async function search(deps: MeshServiceDeps, account: Account, rawMesh: string, query: SearchQuery): Promise<SearchResult> {
  const mesh = meshNameOf(rawMesh);
  const filter = parsed(() => parseFilter(query.filter), 'filter_invalid');
  const sort = parsed(() => parseOrderBy(query.orderBy), 'mesh_order_by_invalid');
  const page = { offset: (query.page - 1) * query.pageSize, limit: query.pageSize };
  return stored(() => deps.meshes.search(account.id, mesh, { filter, sort, ...page }, budgetOf(account)));
}

export async function deleteOne(deps: MeshServiceDeps, account: Account, rawMesh: string, rawId: string): Promise<void> {
  const mesh = meshNameOf(rawMesh);
  const id = canonicalMeshId(rawId);
  if (id === undefined || !(await stored(() => deps.meshes.deleteOne(account.id, mesh, id)))) throw new ApiError('mesh_not_found');
}

/** DELETE by filter: a filter is required (`{}` deletes every document of the mesh); its sentences are deleting.rst's. */
export async function deleteMany(deps: MeshServiceDeps, account: Account, rawMesh: string, rawFilter: unknown): Promise<number> {
  const mesh = meshNameOf(rawMesh);
  const filter = parsed(() => parseFilter(rawFilter), 'delete_filter_invalid');
  if (filter === undefined) throw new ApiError('delete_filter_missing');
  return stored(() => deps.meshes.deleteMany(account.id, mesh, filter, budgetOf(account)), 'delete_filter_invalid');
}
