import type { Filter, JsonObject, Sort, Update } from '../../query/tree.js';

/**
 * A stored document: its `_id` and its JSON text, `_id` the first key. The text is what GET and
 * search answer byte for byte, so a read never parses or re-serialises a document.
 */
export interface StoredDocument {
  readonly id: string;
  readonly json: string;
  /**
   * On writes, the same document parsed (`_id` included), when the caller has it: the store
   * records the document's shape from it instead of parsing `json` again. Reads leave it out.
   */
  readonly document?: JsonObject;
}

/**
 * The scan budget (MeshyDB's "Database limit"): how many documents one query may examine when
 * no index narrows it. A query whose plan scans the mesh, over a mesh of more than `maxScan`
 * documents, throws ScanBudgetExceeded before it runs; 0 refuses every unindexed scan.
 */
export interface QueryBudget {
  readonly maxScan: number;
}

export class ScanBudgetExceeded extends Error {
  constructor(readonly examined: number, readonly budget: number) {
    super(`a query without an index would examine more than ${budget} documents`);
    this.name = 'ScanBudgetExceeded';
  }
}

export interface MeshQuery {
  readonly filter?: Filter;
  readonly sort?: Sort;
}

/** What a search answered, and how: tests assert that most queries are answered wholly in SQL. */
export interface SearchResult {
  readonly results: readonly StoredDocument[];
  readonly totalRecords: number;
  readonly plan: QueryPlan;
}

export interface QueryPlan {
  /** SQL selected exactly the matches, in order: no document was re-checked or sorted in JavaScript. */
  readonly sqlOnly: boolean;
  /** The database narrowed the query with one of the mesh's indexes (not a scan of the mesh). */
  readonly indexed: boolean;
}

export interface UpdateManyResult {
  readonly matchedCount: number;
  readonly modifiedCount: number;
}

/** An expression index on one mesh's paths, or a containment index on its whole documents (`openmeshy index create`). */
export interface MeshIndex {
  readonly name: string;
  readonly mesh: string;
  /** Dotted paths, in index order; none for a containment index. */
  readonly paths: readonly string[];
  readonly unique: boolean;
  /**
   * PostgreSQL only: a GIN index (jsonb_path_ops) on the mesh's documents, which serves the
   * `doc @> ...` the compiler writes for equality on paths no expression index covers. Stored
   * as an index with no paths.
   */
  readonly containment?: boolean;
  readonly createdAt: number;
}

/**
 * The meshes port: schemaless documents in named collections of an account. Mesh names reach
 * the store lower-cased (meshes are case-insensitive, as permissibles are). Every method is
 * scoped to (account, mesh); every mesh row and index is keyed by account first, so that a
 * sharded PostgreSQL (Citus, distributed by account_id) needs no schema change.
 */
export interface MeshStore {
  /**
   * Inserts all documents in one transaction, or none: throws UniqueViolation('mesh id') when an
   * id exists already (in the mesh or twice in the batch) or when a unique index refuses one.
   * Concurrent inserts stand alone: one refused leaves the others stored, and of two with the
   * same id one is stored whole and the other throws UniqueViolation('mesh id'). Resolved, the
   * documents are committed: a read that follows finds them.
   */
  insert(accountId: string, mesh: string, documents: readonly StoredDocument[]): Promise<void>;
  get(accountId: string, mesh: string, id: string): Promise<StoredDocument | undefined>;
  /** Replaces the whole document; false when there is none. UniqueViolation as insert. */
  replace(accountId: string, mesh: string, document: StoredDocument): Promise<boolean>;
  /** Matching documents in sort order (then `_id`), `offset`/`limit` applied, and how many match in all. */
  search(accountId: string, mesh: string, query: MeshQuery & { offset: number; limit: number }, budget: QueryBudget): Promise<SearchResult>;
  /**
   * Applies `update` (query/apply-update.ts, `now` for `$currentDate`, the positional `$` from the
   * filter) to every matching document, in one transaction: no document is half-updated, and a
   * concurrent delete either happened before (not matched) or after (deletes the updated one).
   */
  updateMany(accountId: string, mesh: string, filter: Filter | undefined, update: Update, now: number, budget: QueryBudget): Promise<UpdateManyResult>;
  deleteOne(accountId: string, mesh: string, id: string): Promise<boolean>;
  /** Returns how many were deleted. */
  deleteMany(accountId: string, mesh: string, filter: Filter | undefined, budget: QueryBudget): Promise<number>;
  /** The meshes of the account that hold or have held documents, lower-cased, sorted. */
  meshNames(accountId: string): Promise<string[]>;

  /** Builds the index (existing documents included); UniqueViolation('index') when the name exists, UniqueViolation('mesh id') when `unique` and documents collide. */
  createIndex(accountId: string, index: MeshIndex): Promise<void>;
  listIndexes(accountId: string, mesh?: string): Promise<MeshIndex[]>;
  dropIndex(accountId: string, name: string): Promise<boolean>;
}

/** Parsed form of a stored document, for the evaluator and updates. */
export type MeshDocument = JsonObject;

/**
 * A search ran past the store's per-statement time limit (PostgreSQL's statement_timeout): the
 * database was asked too much at once, not a bad request. The routes answer 503 (or 429).
 */
export class QueryTimeout extends Error {
  constructor(readonly limitMs: number) {
    super(`a query ran longer than ${limitMs} ms`);
    this.name = 'QueryTimeout';
  }
}
