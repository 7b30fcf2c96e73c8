import { ApiError, type ReasonCode } from '../../errors.js';
import { isStorableJsonText } from '../../query/storable-text.js';
import type { JsonObject } from '../../query/tree.js';
import { canonicalMeshId, newMeshId } from './ids.js';
import type { StoredDocument } from './store.js';

/** As MongoDB's BSON nesting limit: deep enough for any document, shallow enough for every walk over it. */
export const MAX_DOCUMENT_DEPTH = 100;

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What keeps a document a client sent from being stored, or undefined: a property at any depth
 * that starts with `$` or holds `.` (a query could not name it), a number JSON cannot write back
 * (`1e400` parses to Infinity, which JSON.stringify would store as null: lost data), or nesting
 * past MAX_DOCUMENT_DEPTH. The walk keeps its own stack, so no input can exhaust the call stack.
 * What it does not look at is the text: storableDocument does, on the JSON the store is handed.
 */
export function documentProblem(document: JsonRecord): ReasonCode | undefined {
  const stack: [unknown, number][] = [[document, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return 'mesh_number_invalid';
    } else if (typeof value === 'object' && value !== null) {
      if (depth > MAX_DOCUMENT_DEPTH) return 'mesh_data_too_deep';
      if (Array.isArray(value)) {
        for (const item of value) stack.push([item, depth + 1]);
      } else {
        for (const key of Object.keys(value)) {
          if (key.startsWith('$') || key.includes('.')) return 'mesh_property_invalid';
          stack.push([(value as JsonRecord)[key], depth + 1]);
        }
      }
    }
  }
  return undefined;
}

/**
 * The stored form: `_id` first, then the document's properties in their order, as one JSON text
 * that GET and search answer byte for byte. (JSON.parse has put integer-like keys first already,
 * as every JavaScript object does.)
 */
export function storedDocument(id: string, document: JsonRecord): StoredDocument {
  let rest = document;
  if (Object.hasOwn(document, '_id')) {
    const { _id: _ignored, ...others } = document;
    rest = others;
  }
  const text = JSON.stringify(rest);
  // The parsed form rides along for the store's shape catalog, so it never parses the text back.
  return { id, json: text === '{}' ? `{"_id":"${id}"}` : `{"_id":"${id}",${text.slice(1)}`, document: { _id: id, ...rest } as JsonObject };
}

/**
 * The stored form of a document that passed documentProblem, or `mesh_text_invalid` when a value
 * or a property name holds U+0000 or an unpaired surrogate: PostgreSQL cannot store them
 * (query/storable-text.ts), and SQLite, which could, refuses them too so that the stores agree.
 * Checked on the JSON text rather than in documentProblem's walk: ~25 ns a document, not ~700 ns.
 */
export function storableDocument(id: string, document: JsonRecord): StoredDocument {
  const stored = storedDocument(id, document);
  if (!isStorableJsonText(stored.json)) throw new ApiError('mesh_text_invalid');
  return stored;
}

/**
 * A new document as the store takes it. `_id` absent or null (MeshyDB's C# SDK sends `"_id":
 * null` for a new object) is generated; any other value must be an ObjectId.
 */
export function newDocument(value: unknown, now: number): StoredDocument {
  if (!isRecord(value)) throw new ApiError('mesh_data_not_object');
  const problem = documentProblem(value);
  if (problem) throw new ApiError(problem);
  const given = value._id;
  if (given === undefined || given === null) return storableDocument(newMeshId(now), value);
  const id = canonicalMeshId(given);
  if (!id) throw new ApiError('mesh_id_invalid');
  return storableDocument(id, value);
}
