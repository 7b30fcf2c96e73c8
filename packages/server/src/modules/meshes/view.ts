import type { SearchResult, StoredDocument, UpdateManyResult } from './store.js';

/**
 * The answers of the meshes routes. Documents are the store's JSON text, sent as they are: a
 * read never parses or re-serialises one, so the answers are built by concatenation.
 */
export function documentsJson(documents: readonly StoredDocument[]): string {
  return `[${documents.map((document) => document.json).join(',')}]`;
}

export function createdManyJson(documents: readonly StoredDocument[]): string {
  return `{"createdCount":${documents.length},"createdData":${documentsJson(documents)}}`;
}

/** A search page, in the docs' key order. */
export function searchPageJson(page: number, pageSize: number, found: SearchResult): string {
  return `{"page":${page},"pageSize":${pageSize},"results":${documentsJson(found.results)},"totalRecords":${found.totalRecords}}`;
}

/** PATCH's answer (MongoDB's UpdateResult as MeshyDB words it); there are no upserts. */
export function updateManyView(result: UpdateManyResult) {
  return { isAcknowledged: true, isModifiedCountAvailable: true, matchedCount: result.matchedCount, modifiedCount: result.modifiedCount, upsertedId: null };
}

export function deleteManyView(deletedCount: number) {
  return { deletedCount, isAcknowledged: true };
}
