import type Database from 'better-sqlite3';
import { compileQuery, type CompiledQuery } from '../../query/sql/compile.js';
import type { PathShapes } from '../../query/sql/shapes.js';
import type { Filter, Sort } from '../../query/tree.js';
import type { QueryPlan, StoredDocument } from '../../modules/meshes/store.js';
import { pageCandidates, SQL_INDEX_PREFIX, type CandidateRow } from '../mesh-queries.js';
import { meshRowsCondition } from './mesh-indexes.js';

/**
 * The read side of the SQLite mesh store, on any connection to the database: a reader thread's
 * own (mesh-reader-worker.ts) for searches, the writer's inside its transaction for updateMany and
 * deleteMany. Everything a query needs from the database (shape catalog, index list, plan,
 * budget count, rows) is read in one transaction, so a document committed meanwhile with a new
 * shape is either wholly seen or not at all. Every statement over a mesh's rows names the account
 * and mesh as literals (meshRowsCondition), so the mesh's partial indexes serve it from its first
 * preparation on: with the values bound, SQLite matched them only by preparing the statement
 * again at every execution.
 */

const TARGET = { dialect: 'sqlite', docColumn: 'doc', idColumn: 'id' } as const;

/**
 * LIMIT and OFFSET bound, written so that SQLite does not read them while it plans: a bare
 * `LIMIT ?` is read for the planner's row estimate, which marks the statement expired at every
 * bind of that value, so a page's statement was prepared again at every execution (~35-45 µs of
 * a 25-row page). The unary plus makes it an expression SQLite only evaluates.
 */
const LIMIT_OFFSET = 'LIMIT +? OFFSET +?';
const LIMIT = 'LIMIT +?';

export interface SearchRequest {
  readonly accountId: string;
  readonly mesh: string;
  readonly filter?: Filter;
  readonly sort?: Sort;
  readonly offset: number;
  readonly limit: number;
  readonly maxScan: number;
}

export type SearchAnswer =
  | { readonly kind: 'page'; readonly results: StoredDocument[]; readonly totalRecords: number; readonly plan: QueryPlan }
  | { readonly kind: 'budget'; readonly examined: number; readonly budget: number };

/** What a query selects, compiled against the catalog of the snapshot it runs in. */
export interface PreparedQuery {
  readonly compiled: CompiledQuery;
  /** The mesh's rows (literals) `AND (<where>)`, for any statement over mesh_documents; binds `compiled.params`. */
  readonly whereSql: string;
  readonly indexed: boolean;
}

/**
 * Prepared statements of one connection, by SQL text; bounded, since filters are the clients'.
 * The text names the account and mesh, so a query shape has a statement per mesh it runs on: the
 * least recently used are let go (~7 KB each), where a full cache used to be emptied at once.
 */
export class MeshStatements {
  private readonly statements = new RecentlyUsed<Database.Statement>(1_000);
  /** Whether a statement's plan seeks one of the mesh's indexes, by SQL text (which names the mesh) and schema version. */
  private readonly plans = new RecentlyUsed<boolean>(4_000);
  readonly shapes: Database.Statement;
  readonly indexedPaths: Database.Statement;
  private readonly schemaVersion: Database.Statement;

  constructor(readonly db: Database.Database) {
    this.shapes = db.prepare('SELECT path, bits FROM mesh_shapes WHERE account_id = ? AND mesh = ?').raw();
    this.indexedPaths = db.prepare('SELECT paths FROM mesh_indexes WHERE account_id = ? AND mesh = ?').pluck();
    this.schemaVersion = db.prepare('PRAGMA schema_version').pluck();
  }

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** How many of the mesh's documents there are, counted up to `limit`. */
  countUpTo(accountId: string, mesh: string, limit: number): number {
    return this.get(`SELECT count(*) FROM (SELECT 1 FROM mesh_documents WHERE ${meshRowsCondition(accountId, mesh)} ${LIMIT})`).pluck().get(limit) as number;
  }

  /**
   * From EXPLAIN QUERY PLAN, once per SQL text and schema version: an index created or dropped
   * changes the version (an index of another mesh too, which could not change this plan: the
   * cache is only conservative there).
   */
  seeksIndex(sql: string, params: readonly unknown[]): boolean {
    const key = `${this.schemaVersion.get() as number}\u0000${sql}`;
    let indexed = this.plans.get(key);
    if (indexed === undefined) {
      const details = (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail);
      indexed = narrowedByIndex(details);
      this.plans.set(key, indexed);
    }
    return indexed;
  }
}

/** A map of at most `limit` entries that lets the least recently used go first (a Map keeps insertion order). */
class RecentlyUsed<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
  }
}

/**
 * Whether every access to mesh_documents in a plan seeks an index on more than the account and
 * mesh (a mesh index's key, or the id): a plan that only seeks (account_id, mesh) reads the mesh.
 */
export function narrowedByIndex(details: readonly string[]): boolean {
  const accesses = details.filter((detail) => /\bmesh_documents\b/.test(detail));
  if (accesses.length === 0) return false;
  return accesses.every(
    (detail) =>
      new RegExp(`^SEARCH mesh_documents USING (?:COVERING )?INDEX ${SQL_INDEX_PREFIX}\\w+ \\(account_id=\\? AND mesh=\\? AND `).test(detail) ||
      // The id's unique index; PRIMARY KEY for a store made while mesh_documents was WITHOUT ROWID.
      /^SEARCH mesh_documents USING (?:(?:COVERING )?INDEX mesh_documents_id|PRIMARY KEY) \(account_id=\? AND mesh=\? AND id/.test(detail),
  );
}

export function readShapes(statements: MeshStatements, accountId: string, mesh: string): Map<string, number> {
  const shapes = new Map<string, number>();
  for (const [path, bits] of statements.shapes.all(accountId, mesh) as [string, number][]) shapes.set(path, bits);
  return shapes;
}

/**
 * Compiles `filter`/`sort` against the catalog as the current transaction sees it, and applies
 * the scan budget: a query no index narrows, over a mesh of more than `maxScan` documents, is
 * refused (the count stops at maxScan + 1).
 */
export function prepareQuery(
  statements: MeshStatements,
  request: { accountId: string; mesh: string; filter?: Filter; sort?: Sort; maxScan: number },
): PreparedQuery | { examined: number; budget: number } {
  const shapes: PathShapes = readShapes(statements, request.accountId, request.mesh);
  const indexedPaths = new Set((statements.indexedPaths.all(request.accountId, request.mesh) as string[]).flatMap((paths) => JSON.parse(paths) as string[]));
  const compiled = compileQuery(TARGET, { filter: request.filter, sort: request.sort }, { shapes, indexedPaths });
  const whereSql = `${meshRowsCondition(request.accountId, request.mesh)} AND (${compiled.where})`;
  const indexed = statements.seeksIndex(`SELECT id, doc FROM mesh_documents WHERE ${whereSql}`, compiled.params);
  if (!indexed) {
    const examined = statements.countUpTo(request.accountId, request.mesh, request.maxScan + 1);
    if (examined > request.maxScan) return { examined, budget: request.maxScan };
  }
  return { compiled, whereSql, indexed };
}

/** Every candidate row of a prepared query, in its SQL order. */
export function candidateRows(statements: MeshStatements, prepared: PreparedQuery, ordered: boolean): CandidateRow[] {
  const { compiled, whereSql } = prepared;
  const sql = ordered
    ? `SELECT id, doc AS json FROM mesh_documents WHERE ${whereSql} ORDER BY ${compiled.orderBy}`
    : `SELECT id, doc AS json FROM mesh_documents WHERE ${whereSql}`;
  const params = ordered ? [...compiled.params, ...compiled.orderParams] : compiled.params;
  return statements.get(sql).all(...params) as CandidateRow[];
}

/** One search, in one read transaction of `statements`' connection. */
export function search(statements: MeshStatements, request: SearchRequest): SearchAnswer {
  return statements.db.transaction((): SearchAnswer => {
    const prepared = prepareQuery(statements, request);
    if (!('compiled' in prepared)) return { kind: 'budget', ...prepared };
    const { compiled, whereSql, indexed } = prepared;
    const plan = { sqlOnly: compiled.exact && compiled.sortExact, indexed };
    const base = compiled.params;
    if (plan.sqlOnly) {
      const page = statements
        .get(`SELECT id, doc AS json FROM mesh_documents WHERE ${whereSql} ORDER BY ${compiled.orderBy} ${LIMIT_OFFSET}`)
        .all(...base, ...compiled.orderParams, request.limit, request.offset) as CandidateRow[];
      // A page that is not full, and not past the end, tells the total without counting.
      const totalRecords =
        page.length < request.limit && (page.length > 0 || request.offset === 0)
          ? request.offset + page.length
          : (statements.get(`SELECT count(*) FROM mesh_documents WHERE ${whereSql}`).pluck().get(...base) as number);
      return { kind: 'page', results: page.map((row) => ({ id: row.id, json: row.json })), totalRecords, plan };
    }
    const rows = candidateRows(statements, prepared, compiled.sortExact);
    return { kind: 'page', ...pageCandidates(rows, compiled, request), plan };
  })();
}
