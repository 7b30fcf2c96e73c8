import { ApiError, type ReasonCode } from '../../errors.js';
import type { Account } from '../accounts/types.js';
import { newDocument, type JsonRecord } from './documents.js';
import { meshNameOf } from './names.js';
import type { MeshServiceDeps } from './service.js';
import { stored } from './store-errors.js';
import type { StoredDocument } from './store.js';

/** One object of a refused bulk create: where it was in the list and why (a reason of errors.ts). */
export interface ItemError {
  index: number;
  status: number;
  code: ReasonCode;
  message: string;
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
