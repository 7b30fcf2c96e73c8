import type { Filter, JsonObject, Sort } from '../../query/tree.js';
import type { ProjectionUser } from './engine.js';

/** One run of a pipeline's engine part, as the pool sends it to a worker thread. */
export interface EngineJob {
  readonly stages: readonly JsonObject[];
  /** The documents SQL selected, as stored JSON text (parsed in the worker, not on the event loop). */
  readonly documents: readonly string[];
  readonly lookups: Readonly<Record<string, readonly string[]>>;
  readonly user: ProjectionUser | null;
  /** The request's filter and orderBy, over the pipeline's output, then its page. */
  readonly filter?: Filter;
  readonly sort?: Sort;
  readonly offset: number;
  readonly limit: number;
  readonly stageBytes: number;
  readonly maxDocuments: number;
}

export type EngineOutcome =
  | { readonly ok: true; /** The page's documents as a JSON array. */ readonly results: string; readonly totalRecords: number }
  | { readonly ok: false; readonly kind: 'limit' | 'failed'; readonly message: string };
