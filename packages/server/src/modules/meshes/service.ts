import { ApiError, type ReasonCode } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { parseFilter, parseOrderBy, parseUpdate, QueryError } from '../../query/parse.js';
import { UniqueViolation } from '../../store/errors.js';
import type { Account } from '../accounts/types.js';
import { documentProblem, isRecord, storedDocument, type JsonRecord } from './documents.js';
import { canonicalMeshId, newMeshId } from './ids.js';
import { meshNameOf } from './names.js';
import { QueryTimeout, ScanBudgetExceeded, type MeshStore, type QueryBudget, type SearchResult, type StoredDocument, type UpdateManyResult } from './store.js';

export interface MeshServiceDeps {
  meshes: MeshStore;
  clock: Clock;
}

/** One object of a refused bulk create: where it was in the list and why (a reason of errors.ts). */
export interface ItemError {
  index: number;
  status: number;
  code: ReasonCode;
  message: string;
}

const budgetOf = (account: Account): QueryBudget => ({ maxScan: account.settings.scanBudget });

/** What the store can refuse, as the documented answers; `filterCode` is the route's sentence for a filter. */
async function stored<T>(work: () => Promise<T>, filterCode: ReasonCode = 'filter_invalid'): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ScanBudgetExceeded) throw new ApiError('database_limit_exceeded', { detail: error.message });
    if (error instanceof QueryTimeout) throw new ApiError('database_timeout', { detail: error.message });
    if (error instanceof UniqueViolation && error.field === 'mesh id') throw new ApiError('mesh_id_taken');
    // Applying an update can fail on the data ($inc of a string): the update's sentence.
    if (error instanceof QueryError) throw new ApiError(queryCode(error, filterCode), { detail: error.detail });
    throw error;
  }
}

function queryCode(error: QueryError, filterCode: ReasonCode): ReasonCode {
  if (error.document === 'update') return 'update_invalid';
  if (error.document === 'orderBy') return 'mesh_order_by_invalid';
  return filterCode;
}

/** Parses one document of a request, or answers the route's sentence for it. */
function parsed<T>(parse: () => T, code: ReasonCode): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof QueryError) throw new ApiError(code, { detail: error.detail });
    throw error;
  }
}

/**
 * A new document as the store takes it. `_id` absent or null (MeshyDB's C# SDK sends `"_id":
 * null` for a new object) is generated; any other value must be an ObjectId.
 */
function newDocument(value: unknown, now: number): StoredDocument {
  if (!isRecord(value)) throw new ApiError('mesh_data_not_object');
  const problem = documentProblem(value);
  if (problem) throw new ApiError(problem);
  const given = value._id;
  if (given === undefined || given === null) return storedDocument(newMeshId(now), value);
  const id = canonicalMeshId(given);
  if (!id) throw new ApiError('mesh_id_invalid');
  return storedDocument(id, value);
}

export async function createOne(deps: MeshServiceDeps, account: Account, rawMesh: string, body: unknown): Promise<StoredDocument> {
  const mesh = meshNameOf(rawMesh);
  const document = newDocument(body, deps.clock.now());
  await stored(() => deps.meshes.insert(account.id, mesh, [document]));
  return document;
}

function itemError(index: number, error: ApiError): ItemError {
  return { index, status: error.status, code: error.code, message: error.reason };
}

function batchRefused(errors: ItemError[]): ApiError {
  return new ApiError('mesh_batch_invalid', { extra: { errors } });
}

/**
 * A bulk create, all or nothing: every object is checked first, and one that fails refuses the
 * batch with the status of each failed object; the store inserts the rest in one transaction.
 */
export async function createMany(deps: MeshServiceDeps, account: Account, rawMesh: string, items: readonly unknown[]): Promise<StoredDocument[]> {
  const mesh = meshNameOf(rawMesh);
  if (items.length === 0) throw new ApiError('mesh_data_missing');
  const now = deps.clock.now();
  const documents: StoredDocument[] = [];
  const errors: ItemError[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    try {
      const document = newDocument(item, now);
      if (seen.has(document.id)) throw new ApiError('mesh_id_taken');
      seen.add(document.id);
      documents.push(document);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      errors.push(itemError(index, error));
    }
  });
  if (errors.length > 0) throw batchRefused(errors);
  try {
    await stored(() => deps.meshes.insert(account.id, mesh, documents));
  } catch (error) {
    if (error instanceof ApiError && error.code === 'mesh_id_taken') throw await takenItems(deps, account, mesh, items, documents);
    throw error;
  }
  return documents;
}

/** Which objects that brought their own `_id` collided with a stored one; none found (a unique index, a race): the plain sentence. */
async function takenItems(deps: MeshServiceDeps, account: Account, mesh: string, items: readonly unknown[], documents: readonly StoredDocument[]): Promise<ApiError> {
  const errors: ItemError[] = [];
  for (let index = 0; index < items.length; index++) {
    const brought = (items[index] as JsonRecord)._id;
    if (brought === undefined || brought === null) continue;
    if (await deps.meshes.get(account.id, mesh, documents[index]!.id)) errors.push(itemError(index, new ApiError('mesh_id_taken')));
  }
  return errors.length > 0 ? batchRefused(errors) : new ApiError('mesh_id_taken');
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
  const document = storedDocument(id, body);
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
