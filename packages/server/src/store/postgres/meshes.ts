import type pg from 'pg';
import { applyUpdate, matches } from '../../query/evaluate.js';
import { compileQuery, indexKeyExpression, type CompiledQuery } from '../../query/sql/compile.js';
import { mergeShapes, shapesOf, type PathShapes } from '../../query/sql/shapes.js';
import type { Filter, JsonObject, Sort, Update } from '../../query/tree.js';
import {
  QueryTimeout,
  ScanBudgetExceeded,
  type MeshIndex,
  type MeshQuery,
  type MeshStore,
  type QueryBudget,
  type SearchResult,
  type StoredDocument,
  type UpdateManyResult,
} from '../../modules/meshes/store.js';
import { ddlLiteral, pageCandidates, parsedDocument, sqlIndexName, SQL_INDEX_PREFIX, validateIndex, type CandidateRow } from '../mesh-queries.js';
import { StoreUnavailable, UniqueViolation } from '../errors.js';
import { namedQuery, type PgConnection } from './connection.js';
import { insertGrouped, type GroupedRequest } from './grouped-insert.js';
import { InsertBatch } from './insert-batch.js';

/** How long one search (or the reads of an updateMany/deleteMany) may run before it is cancelled. */
export const DEFAULT_SEARCH_TIMEOUT_MS = 5_000;
/** How long building one index may take (the pool's 6 s query timeout would cut a large build short). */
const INDEX_BUILD_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** A REPEATABLE READ write that met a concurrent change is run again from the start, this many times at most. */
const SERIALIZATION_RETRIES = 8;

const INSERT_ONE = 'INSERT INTO mesh_documents (account_id, mesh, id, body) VALUES ($1, $2, $3, $4)';
// One statement, so atomic without a transaction: the documents and the catalog's new bits.
const INSERT_WITH_SHAPES = `WITH docs AS (
    INSERT INTO mesh_documents (account_id, mesh, id, body)
    SELECT $1::text, $2::text, d.id, d.body FROM unnest($3::text[], $4::text[]) AS d(id, body)
  ), shapes AS (
    INSERT INTO mesh_shapes (account_id, mesh, path, bits)
    SELECT $1::text, $2::text, s.path, s.bits FROM unnest($5::text[], $6::int[]) AS s(path, bits)
    ON CONFLICT (account_id, mesh, path) DO UPDATE SET bits = mesh_shapes.bits | excluded.bits
  ) SELECT 1`;
const REPLACE = 'UPDATE mesh_documents SET body = $4 WHERE account_id = $1 AND mesh = $2 AND id = $3';
const REPLACE_WITH_SHAPES = `WITH changed AS (
    UPDATE mesh_documents SET body = $4 WHERE account_id = $1 AND mesh = $2 AND id = $3 RETURNING 1
  ), shapes AS (
    INSERT INTO mesh_shapes (account_id, mesh, path, bits)
    SELECT $1::text, $2::text, s.path, s.bits FROM unnest($5::text[], $6::int[]) AS s(path, bits) WHERE EXISTS (SELECT 1 FROM changed)
    ON CONFLICT (account_id, mesh, path) DO UPDATE SET bits = mesh_shapes.bits | excluded.bits
  ) SELECT count(*)::int AS n FROM changed`;
const UPSERT_SHAPES = `INSERT INTO mesh_shapes (account_id, mesh, path, bits)
  SELECT $1::text, $2::text, s.path, s.bits FROM unnest($3::text[], $4::int[]) AS s(path, bits)
  ON CONFLICT (account_id, mesh, path) DO UPDATE SET bits = mesh_shapes.bits | excluded.bits`;
const WRITE_BACK = `UPDATE mesh_documents AS m SET body = u.body FROM unnest($3::text[], $4::text[]) AS u(id, body)
  WHERE m.account_id = $1 AND m.mesh = $2 AND m.id = u.id`;
/**
 * What a mesh's catalog is, in one short text: the shape rows' count and bits' sum (rows are never
 * deleted and bits only gain bits, so any change moves one of them) and every index's name,
 * creation, paths and state. Equal texts in two snapshots mean the same catalog.
 */
const CATALOG_FINGERPRINT = `(SELECT count(*)::text || ':' || coalesce(sum(bits), 0)::text FROM mesh_shapes WHERE account_id = $1 AND mesh = $2)
  || '/' || (SELECT coalesce(string_agg(name || ':' || created_at::text || ':' || paths::text || ':' || built::text, ',' ORDER BY name COLLATE "C"), '')
    FROM mesh_indexes WHERE account_id = $1 AND mesh = $2)`;
const CATALOG = `SELECT 's' AS kind, path AS name, bits, NULL::jsonb AS paths, NULL::boolean AS built FROM mesh_shapes WHERE account_id = $1 AND mesh = $2
  UNION ALL SELECT 'i', name, 0, paths, built FROM mesh_indexes WHERE account_id = $1 AND mesh = $2
  UNION ALL SELECT 'f', ${CATALOG_FINGERPRINT}, 0, NULL, NULL`;
const COUNT_UP_TO = 'SELECT count(*)::int AS n FROM (SELECT 1 FROM mesh_documents WHERE account_id = $1 AND mesh = $2 LIMIT $3) AS scanned';

interface IndexRow {
  name: string;
  mesh: string;
  paths: string[];
  is_unique: boolean;
  created_at: string;
}

interface Prepared {
  readonly compiled: CompiledQuery;
  readonly whereSql: string;
  readonly indexed: boolean;
}

/** A mesh's catalog as one snapshot held it, with that snapshot's CATALOG_FINGERPRINT. */
interface Catalog {
  readonly fingerprint: string;
  readonly shapes: PathShapes;
  /** Index names with their state, sorted: the plan cache's key. */
  readonly indexes: string;
  readonly indexedPaths: ReadonlySet<string>;
}

/**
 * The meshes port on PostgreSQL. Creates are grouped per event-loop turn into one statement
 * (grouped-insert.ts); the other single-document writes are one statement each (the catalog's
 * new bits in the same statement when there are any). A search is one REPEATABLE READ READ ONLY
 * transaction, so the catalog it compiles against and the rows it reads are one snapshot, under
 * a statement timeout; updateMany and deleteMany are REPEATABLE READ transactions that lock what
 * they change and start over when a concurrent write got there first.
 */
export class PgMeshStore implements MeshStore {
  private readonly shapeCache = new Map<string, PathShapes>();
  /** Whether a query's plan seeks a mesh index, by the mesh's index set and the SQL text. */
  private readonly plans = new Map<string, boolean>();
  /**
   * The catalog each mesh's last search read, so that the next one compiles without reading it
   * first: its page statement also returns the fingerprint of its own snapshot's catalog, and
   * only an equal one lets the page stand (searchPage).
   */
  private readonly catalogs = new Map<string, Catalog>();
  private codePointStrings: Promise<boolean> | undefined;
  private readonly inserts = new InsertBatch<GroupedRequest>((requests) => this.commitGroup(requests));

  constructor(private readonly connection: PgConnection, private readonly options: { searchTimeoutMs?: number } = {}) {
    // Creates still waiting for their turn's statement reach the database before the pool ends.
    connection.onClose(() => this.inserts.drain());
  }

  /** The statement timeout of searches (the server's --mesh-search-timeout). */
  get timeoutMs(): number {
    return this.options.searchTimeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS;
  }

  /** One round trip: the transaction and its statement timeout (a number of ours, never request text). */
  private begin(access: 'READ ONLY' | 'READ WRITE'): string {
    return `BEGIN ISOLATION LEVEL REPEATABLE READ ${access}; SET LOCAL statement_timeout = ${Math.trunc(this.timeoutMs)}`;
  }

  /**
   * Grouped with the other inserts of this event-loop turn into one statement, one commit
   * (insert-batch.ts, grouped-insert.ts); settles when that commit has, with this call's outcome.
   */
  insert(accountId: string, mesh: string, documents: readonly StoredDocument[]): Promise<void> {
    if (documents.length === 0) return Promise.resolve();
    try {
      const added = this.newShapes(accountId, mesh, documents.map(parsedDocument));
      return this.inserts.insert({ accountId, mesh, documents, added });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async commitGroup(requests: readonly GroupedRequest[]): Promise<PromiseSettledResult<void>[]> {
    if (requests.length <= 1) return Promise.allSettled(requests.map((request) => this.insertAlone(request)));
    let inserted: boolean[];
    try {
      inserted = await insertGrouped(this.connection, requests);
    } catch (error) {
      // The database gone or too slow: each request alone would have met the same, and trying
      // them again would only add to the load.
      if (error instanceof StoreUnavailable || (error as { code?: string }).code === '57014') return requests.map(() => ({ status: 'rejected', reason: error }));
      return this.commitApart(requests);
    }
    return requests.map((request, i) => {
      if (!inserted[i]) return { status: 'rejected', reason: new UniqueViolation('mesh id') };
      this.rememberShapes(request.accountId, request.mesh, request.added);
      return { status: 'fulfilled', value: undefined };
    });
  }

  /**
   * A group whose statement failed for something other than an outage, so nothing of it committed:
   * the cause may be one request's (a batch meeting a taken id, a document jsonb refuses, a key too
   * long for a unique index). The single-document requests go again as one group (a taken id
   * cannot fail its statement, and their order holds) beside each batch alone; when the group held
   * only singles, each goes alone. No two requests name one document, so running them side by side
   * changes no answer about ids (two that collide on a unique index meet as concurrent requests
   * do), and a client whose bulk create meets a taken id costs the others of its turn a statement
   * or two more, not one each.
   */
  private async commitApart(requests: readonly GroupedRequest[]): Promise<PromiseSettledResult<void>[]> {
    const singles = requests.filter((request) => request.documents.length === 1);
    if (singles.length === requests.length) return Promise.allSettled(requests.map((request) => this.insertAlone(request)));
    const batches = requests.filter((request) => request.documents.length > 1);
    const [singleOutcomes, batchOutcomes] = await Promise.all([this.commitGroup(singles), Promise.allSettled(batches.map((request) => this.insertAlone(request)))]);
    return requests.map((request) => (request.documents.length === 1 ? singleOutcomes.shift()! : batchOutcomes.shift()!));
  }

  /** A request in a statement of its own: a group of one, or each of a group whose statement failed. */
  private async insertAlone({ accountId, mesh, documents, added }: GroupedRequest): Promise<void> {
    if (added.size === 0 && documents.length === 1) {
      await this.connection.query(INSERT_ONE, [accountId, mesh, documents[0]!.id, documents[0]!.json], { uniqueField: 'mesh id' });
      return;
    }
    const [paths, bits] = shapeArrays(added);
    await this.connection.query(INSERT_WITH_SHAPES, [accountId, mesh, documents.map((d) => d.id), documents.map((d) => d.json), paths, bits], { uniqueField: 'mesh id' });
    this.rememberShapes(accountId, mesh, added);
  }

  async get(accountId: string, mesh: string, id: string): Promise<StoredDocument | undefined> {
    const result = await this.connection.query('SELECT body FROM mesh_documents WHERE account_id = $1 AND mesh = $2 AND id = $3', [accountId, mesh, id], { rowMode: 'array' });
    const row = result.rows[0] as [string] | undefined;
    return row && { id, json: row[0] };
  }

  async replace(accountId: string, mesh: string, document: StoredDocument): Promise<boolean> {
    const added = this.newShapes(accountId, mesh, [parsedDocument(document)]);
    if (added.size === 0) {
      return (await this.connection.query(REPLACE, [accountId, mesh, document.id, document.json], { uniqueField: 'mesh id' })).rowCount === 1;
    }
    const [paths, bits] = shapeArrays(added);
    const result = await this.connection.query(REPLACE_WITH_SHAPES, [accountId, mesh, document.id, document.json, paths, bits], { uniqueField: 'mesh id' });
    const replaced = (result.rows[0] as { n: number }).n === 1;
    if (replaced) this.rememberShapes(accountId, mesh, added);
    return replaced;
  }

  /**
   * Three round trips when the mesh's catalog is cached and the query is indexed and wholly SQL
   * (BEGIN with the timeout, the page with its count and the catalog's fingerprint, COMMIT); a
   * fingerprint that differs from the cached one means the catalog changed, and the search is
   * done again from the catalog, still in the same snapshot.
   */
  async search(accountId: string, mesh: string, query: MeshQuery & { offset: number; limit: number }, budget: QueryBudget): Promise<SearchResult> {
    return this.timed(() =>
      this.connection.transaction(async (client) => {
        const cached = this.catalogs.get(`${accountId}\u0000${mesh}`);
        if (cached) {
          const compiled = this.compile(query, cached, await this.stringsByCodePoint(client));
          // Only a plan already known: an EXPLAIN against a stale catalog would be cached under its key.
          if (compiled.compiled.exact && compiled.compiled.sortExact && this.plans.get(compiled.planKey) === true) {
            const prepared = { compiled: compiled.compiled, whereSql: compiled.whereSql, indexed: true };
            const answer = await this.searchPage(client, accountId, mesh, prepared, query, true);
            if (answer.fingerprint === cached.fingerprint) return { results: answer.results, totalRecords: answer.totalRecords, plan: { sqlOnly: true, indexed: true } };
          }
        }
        const prepared = await this.prepare(client, accountId, mesh, query, budget);
        const { compiled, indexed } = prepared;
        const plan = { sqlOnly: compiled.exact && compiled.sortExact, indexed };
        if (plan.sqlOnly) {
          const answer = await this.searchPage(client, accountId, mesh, prepared, query, false);
          return { results: answer.results, totalRecords: answer.totalRecords, plan };
        }
        const rows = await this.candidates(client, accountId, mesh, prepared, compiled.sortExact, false);
        return { ...pageCandidates(rows, compiled, query), plan };
      }, 'unique', this.begin('READ ONLY')),
    );
  }

  /**
   * The page of a query answered wholly in SQL and its count, in one statement (one snapshot),
   * with that snapshot's catalog fingerprint when asked. The page's rows are numbered by the
   * query's order, since a join does not promise to keep a subquery's.
   */
  private async searchPage(
    client: pg.PoolClient,
    accountId: string,
    mesh: string,
    prepared: Prepared,
    query: { offset: number; limit: number },
    withFingerprint: boolean,
  ): Promise<{ results: StoredDocument[]; totalRecords: number; fingerprint: string | null }> {
    const { compiled, whereSql } = prepared;
    const limitParam = 3 + compiled.params.length + compiled.orderParams.length;
    const sql =
      `SELECT ${withFingerprint ? CATALOG_FINGERPRINT : 'NULL::text'} AS fingerprint, c.total, p.id, p.json FROM ` +
      `(SELECT count(*)::int AS total FROM mesh_documents WHERE ${whereSql}) AS c LEFT JOIN ` +
      `(SELECT id, body AS json, row_number() OVER (ORDER BY ${compiled.orderBy}) AS n FROM mesh_documents WHERE ${whereSql} ` +
      `ORDER BY ${compiled.orderBy} LIMIT $${limitParam} OFFSET $${limitParam + 1}) AS p ON TRUE ORDER BY p.n`;
    const rows = (await client.query(sql, [accountId, mesh, ...compiled.params, ...compiled.orderParams, query.limit, query.offset])).rows as {
      fingerprint: string | null;
      total: number;
      id: string | null;
      json: string | null;
    }[];
    const first = rows[0]!;
    return {
      results: rows.filter((row) => row.id !== null).map((row) => ({ id: row.id!, json: row.json! })),
      totalRecords: first.total,
      fingerprint: first.fingerprint,
    };
  }

  async updateMany(accountId: string, mesh: string, filter: Filter | undefined, update: Update, now: number, budget: QueryBudget): Promise<UpdateManyResult> {
    const date = new Date(now);
    return this.retried(() =>
      this.connection.transaction(async (client) => {
        const prepared = await this.prepare(client, accountId, mesh, { filter }, budget);
        let matchedCount = 0;
        const changed: JsonObject[] = [];
        const changedIds: string[] = [];
        for (const row of await this.candidates(client, accountId, mesh, prepared, false, true)) {
          const document = JSON.parse(row.json) as JsonObject;
          if (!prepared.compiled.exact && !matches(filter, document)) continue;
          matchedCount++;
          const outcome = applyUpdate(document, update, { filter, now: date });
          if (!outcome.modified) continue;
          changed.push(outcome.document);
          changedIds.push(row.id);
        }
        if (changed.length > 0) {
          await namedQuery(client, WRITE_BACK, [accountId, mesh, changedIds, changed.map((d) => JSON.stringify(d))]);
          const added = this.newShapes(accountId, mesh, changed);
          if (added.size > 0) {
            const [paths, bits] = shapeArrays(added);
            await namedQuery(client, UPSERT_SHAPES, [accountId, mesh, paths, bits]);
          }
          return { result: { matchedCount, modifiedCount: changed.length }, added };
        }
        return { result: { matchedCount, modifiedCount: 0 }, added: new Map<string, number>() };
      }, 'mesh id', this.begin('READ WRITE')),
    ).then(({ result, added }) => {
      this.rememberShapes(accountId, mesh, added);
      return result;
    });
  }

  async deleteOne(accountId: string, mesh: string, id: string): Promise<boolean> {
    return (await this.connection.query('DELETE FROM mesh_documents WHERE account_id = $1 AND mesh = $2 AND id = $3', [accountId, mesh, id])).rowCount === 1;
  }

  async deleteMany(accountId: string, mesh: string, filter: Filter | undefined, budget: QueryBudget): Promise<number> {
    return this.retried(() =>
      this.connection.transaction(async (client) => {
        const prepared = await this.prepare(client, accountId, mesh, { filter }, budget);
        if (prepared.compiled.exact) {
          return (await client.query(`DELETE FROM mesh_documents WHERE ${prepared.whereSql}`, [accountId, mesh, ...prepared.compiled.params])).rowCount ?? 0;
        }
        const ids = (await this.candidates(client, accountId, mesh, prepared, false, true))
          .filter((row) => matches(filter, JSON.parse(row.json) as JsonObject))
          .map((row) => row.id);
        if (ids.length === 0) return 0;
        return (await namedQuery(client, 'DELETE FROM mesh_documents WHERE account_id = $1 AND mesh = $2 AND id = ANY($3::text[])', [accountId, mesh, ids])).rowCount ?? 0;
      }, 'unique', this.begin('READ WRITE')),
    );
  }

  async meshNames(accountId: string): Promise<string[]> {
    const result = await this.connection.query('SELECT DISTINCT mesh COLLATE "C" AS mesh FROM mesh_shapes WHERE account_id = $1 ORDER BY 1', [accountId], { rowMode: 'array' });
    return (result.rows as [string][]).map((row) => row[0]);
  }

  /**
   * Builds the index CONCURRENTLY, so that writes to mesh_documents (every account's) go on while
   * it is built: recorded first (the name is taken, or UniqueViolation('index')), then built outside
   * a transaction and without the pool's statement timeouts; a build that fails is dropped and its
   * record removed. While it builds, queries see the path as indexed but the plan check still
   * finds no index, so the scan budget holds.
   */
  async createIndex(accountId: string, index: MeshIndex): Promise<void> {
    validateIndex(index);
    const sqlName = sqlIndexName(accountId, index.name);
    // Only our hex name, checked paths and checked names reach the DDL (mesh-queries.ts).
    // Partial, on the mesh's rows alone: writes to other meshes never maintain it, and a unique
    // key (where a missing field is null, as in MongoDB) is unique within the mesh. The keys lead:
    // the planner drops `account_id = $1 AND mesh = $2` from the index condition as implied by
    // the predicate, so leading account and mesh columns would make every seek a walk of the
    // mesh's entries. A unique index also ends with account_id, as Citus wants of one; any other
    // ends with id, so that the compiler's ORDER BY <keys>, id is the index's order (a page of 25
    // after `a = $3 ORDER BY b, id` reads 25 entries instead of sorting every match).
    // A containment index is GIN over the whole document: jsonb_path_ops is smaller and faster
    // than the default jsonb_ops and serves exactly the `doc @> ...` the compiler writes.
    const keys = index.paths.map((path) => `(${indexKeyExpression('postgres', 'doc', path)})`).join(', ');
    const indexed = index.containment ? 'USING GIN (doc jsonb_path_ops)' : `(${keys}, ${index.unique ? 'account_id' : 'id'})`;
    const ddl =
      `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${sqlName} ON mesh_documents ${indexed} ` +
      `WHERE account_id = ${ddlLiteral(accountId)} AND mesh = ${ddlLiteral(index.mesh)}`;
    await this.connection.query('INSERT INTO mesh_indexes (account_id, name, mesh, paths, is_unique, created_at, built) VALUES ($1, $2, $3, $4, $5, $6, FALSE)', [
      accountId,
      index.name,
      index.mesh,
      JSON.stringify(index.paths),
      index.unique,
      index.createdAt,
    ], { uniqueField: 'index' });
    try {
      await this.connection.withClient(async (client) => {
        await client.query('SET statement_timeout = 0');
        try {
          await client.query({ text: ddl, query_timeout: INDEX_BUILD_TIMEOUT_MS } as pg.QueryConfig);
          // Statistics of the new index's expressions (ANALYZE samples, so its cost is bounded):
          // without them the planner guesses one row per key and plans pages and counts badly.
          // Only figures: the index stands without them (autovacuum analyzes later), so a failed
          // ANALYZE does not undo the build.
          await client.query({ text: 'ANALYZE mesh_documents', query_timeout: INDEX_BUILD_TIMEOUT_MS } as pg.QueryConfig).catch(() => {});
        } finally {
          await client.query('RESET statement_timeout');
        }
      }, 'mesh id');
      await this.connection.query('UPDATE mesh_indexes SET built = TRUE WHERE account_id = $1 AND name = $2', [accountId, index.name]);
    } catch (error) {
      // A failed concurrent build leaves an invalid index behind.
      await this.connection.withClient(async (client) => {
        await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${sqlName}`);
      }).catch(() => {});
      await this.connection.query('DELETE FROM mesh_indexes WHERE account_id = $1 AND name = $2', [accountId, index.name]).catch(() => {});
      throw error;
    }
  }

  async listIndexes(accountId: string, mesh?: string): Promise<MeshIndex[]> {
    const result =
      mesh === undefined
        ? await this.connection.query('SELECT * FROM mesh_indexes WHERE account_id = $1 ORDER BY mesh COLLATE "C", name COLLATE "C"', [accountId])
        : await this.connection.query('SELECT * FROM mesh_indexes WHERE account_id = $1 AND mesh = $2 ORDER BY name COLLATE "C"', [accountId, mesh]);
    return (result.rows as IndexRow[]).map((row) => ({
      name: row.name,
      mesh: row.mesh,
      paths: row.paths,
      unique: row.is_unique,
      ...(row.paths.length === 0 ? { containment: true } : {}),
      createdAt: Number(row.created_at),
    }));
  }

  async dropIndex(accountId: string, name: string): Promise<boolean> {
    // The record first, so no query counts on the index any more; then the index, CONCURRENTLY:
    // a plain DROP INDEX would lock every account's mesh_documents while it waits for readers.
    if ((await this.connection.query('DELETE FROM mesh_indexes WHERE account_id = $1 AND name = $2', [accountId, name])).rowCount !== 1) return false;
    await this.connection.withClient(async (client) => {
      await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${sqlIndexName(accountId, name)}`);
    });
    return true;
  }

  /**
   * Compiles against the catalog of this transaction's snapshot, decides from the plan whether an
   * index narrows the query, and refuses an unindexed one over more than the budget's documents.
   */
  private async prepare(client: pg.PoolClient, accountId: string, mesh: string, query: { filter?: Filter; sort?: Sort }, budget: QueryBudget): Promise<Prepared> {
    const catalog = await this.readCatalog(client, accountId, mesh);
    const { compiled, whereSql, planSql, planKey } = this.compile(query, catalog, await this.stringsByCodePoint(client));
    let indexed = this.plans.get(planKey);
    if (indexed === undefined) {
      indexed = planSeeksIndex(await planWithoutSeqScan(client, planSql, [accountId, mesh, ...compiled.params]));
      if (this.plans.size >= 2_000) this.plans.clear();
      this.plans.set(planKey, indexed);
    }
    if (!indexed) {
      const examined = ((await namedQuery(client, COUNT_UP_TO, [accountId, mesh, budget.maxScan + 1])).rows[0] as { n: number }).n;
      if (examined > budget.maxScan) throw new ScanBudgetExceeded(examined, budget.maxScan);
    }
    return { compiled, whereSql, indexed };
  }

  /** The mesh's catalog in this transaction's snapshot; remembered for the next search. */
  private async readCatalog(client: pg.PoolClient, accountId: string, mesh: string): Promise<Catalog> {
    const rows = (await namedQuery(client, CATALOG, [accountId, mesh])).rows as { kind: 's' | 'i' | 'f'; name: string; bits: number; paths: string[] | null; built: boolean | null }[];
    const shapes = new Map<string, number>();
    const indexes: string[] = [];
    const indexedPaths = new Set<string>();
    let fingerprint = '';
    for (const row of rows) {
      if (row.kind === 's') shapes.set(row.name, row.bits);
      else if (row.kind === 'f') fingerprint = row.name;
      else {
        // The plan cache's key changes when a build completes.
        indexes.push(`${row.name}\u0001${row.built ? 'built' : 'building'}`);
        for (const path of row.paths ?? []) indexedPaths.add(path);
      }
    }
    const catalog = { fingerprint, shapes, indexes: indexes.sort().join('\u0000'), indexedPaths };
    const key = `${accountId}\u0000${mesh}`;
    if (this.catalogs.size >= 10_000 && !this.catalogs.has(key)) this.catalogs.clear();
    this.catalogs.set(key, catalog);
    return catalog;
  }

  private compile(query: { filter?: Filter; sort?: Sort }, catalog: Catalog, codePointStrings: boolean) {
    const compiled = compileQuery(
      { dialect: 'postgres', docColumn: 'doc', idColumn: 'id', firstParam: 3, codePointStrings },
      { filter: query.filter, sort: query.sort },
      { shapes: catalog.shapes, indexedPaths: catalog.indexedPaths },
    );
    const whereSql = `account_id = $1 AND mesh = $2 AND (${compiled.where})`;
    const planSql = `SELECT id FROM mesh_documents WHERE ${whereSql}`;
    return { compiled, whereSql, planSql, planKey: `${catalog.indexes}\u0002${planSql}` };
  }

  private async candidates(client: pg.PoolClient, accountId: string, mesh: string, prepared: Prepared, ordered: boolean, lock: boolean): Promise<CandidateRow[]> {
    const { compiled, whereSql } = prepared;
    const order = ordered ? ` ORDER BY ${compiled.orderBy}` : '';
    const params = ordered ? [accountId, mesh, ...compiled.params, ...compiled.orderParams] : [accountId, mesh, ...compiled.params];
    return (await client.query(`SELECT id, body AS json FROM mesh_documents WHERE ${whereSql}${order}${lock ? ' FOR UPDATE' : ''}`, params)).rows as CandidateRow[];
  }

  private stringsByCodePoint(client: pg.PoolClient): Promise<boolean> {
    this.codePointStrings ??= client
      .query('SELECT datcollate FROM pg_database WHERE datname = current_database()')
      .then((result) => /^(C|POSIX|C\.UTF-?8)$/i.test((result.rows[0] as { datcollate: string }).datcollate))
      .catch((error: unknown) => {
        this.codePointStrings = undefined;
        throw error;
      });
    return this.codePointStrings;
  }

  /** A cancelled statement (statement_timeout) as QueryTimeout; anything else as it is. */
  private async timed<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code === '57014') throw new QueryTimeout(this.timeoutMs);
      throw error;
    }
  }

  /** Runs a REPEATABLE READ write again when PostgreSQL refused it for a concurrent change (40001) or a deadlock (40P01). */
  private async retried<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.timed(work);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if ((code === '40001' || code === '40P01') && attempt < SERIALIZATION_RETRIES) continue;
        throw error;
      }
    }
  }

  /** The catalog bits `documents` bring over the cached catalog (the cache may lack bits; it never has extra). */
  private newShapes(accountId: string, mesh: string, documents: readonly JsonObject[]): Map<string, number> {
    const brought = new Map<string, number>();
    for (const document of documents) shapesOf(document, brought);
    return mergeShapes(this.shapeCache.get(`${accountId}\u0000${mesh}`) ?? new Map(), brought).added;
  }

  /** After a commit: the cache learns what the catalog now holds at least. */
  private rememberShapes(accountId: string, mesh: string, added: ReadonlyMap<string, number>): void {
    if (added.size === 0) return;
    const key = `${accountId}\u0000${mesh}`;
    if (this.shapeCache.size >= 10_000 && !this.shapeCache.has(key)) this.shapeCache.clear();
    this.shapeCache.set(key, mergeShapes(this.shapeCache.get(key) ?? new Map(), added).merged);
  }
}

function shapeArrays(shapes: ReadonlyMap<string, number>): [string[], number[]] {
  // Sorted, so that concurrent writers take the catalog's row locks in one order (no deadlock).
  const entries = [...shapes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [entries.map(([path]) => path), entries.map(([, bits]) => bits)];
}

/**
 * The plan of `sql` as if the mesh were large: with sequential scans priced out, the planner
 * seeks an index whenever one can narrow the query, whereas on a table of a few rows it would
 * rightly read the table instead. The budget asks whether an index *can* serve the query, not
 * what is cheapest today; a query no index serves still plans as a scan (or a walk of the
 * primary key over the mesh), which planSeeksIndex counts as one. Equivalent to SET LOCAL
 * enable_seqscan = off (index and bitmap scans stay allowed), and put back before the query
 * itself runs in this transaction.
 */
async function planWithoutSeqScan(client: pg.PoolClient, sql: string, params: readonly unknown[]): Promise<PlanNode> {
  const was = ((await client.query("SELECT current_setting('enable_seqscan') AS was, set_config('enable_seqscan', 'off', true)")).rows[0] as { was: string }).was;
  const explained = (await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params as unknown[])).rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] };
  // No finally: a failed EXPLAIN aborts the transaction, which undoes the local setting itself.
  await client.query("SELECT set_config('enable_seqscan', $1, true)", [was]);
  return explained['QUERY PLAN'][0].Plan;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/**
 * Whether every access to mesh_documents in an EXPLAIN plan seeks a mesh index, or the primary key
 * on the id: a scan, or a seek on the account and mesh alone, reads the whole mesh.
 */
export function planSeeksIndex(root: PlanNode): boolean {
  let accesses = 0;
  let narrowed = true;
  // A seek, not a walk of the mesh's rows: a mesh index is partial, so the planner may read it
  // whole with no condition (or on the account and mesh alone) just to visit the mesh.
  const seeks = (node: PlanNode): boolean => {
    const condition = node['Index Cond'] ?? '';
    if ((node['Index Name'] ?? '').startsWith(SQL_INDEX_PREFIX)) return /\bdoc\b/.test(condition);
    return node['Index Name'] === 'mesh_documents_pkey' && /(?:^|[^\w])id [=<>]/.test(condition);
  };
  const visit = (node: PlanNode): void => {
    const type = node['Node Type'];
    if (node['Relation Name'] === 'mesh_documents' || type === 'Bitmap Index Scan') {
      if (type === 'Seq Scan') {
        accesses++;
        narrowed = false;
      } else if (type === 'Index Scan' || type === 'Index Only Scan' || type === 'Bitmap Index Scan') {
        accesses++;
        if (!seeks(node)) narrowed = false;
      }
    }
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(root);
  return accesses > 0 && narrowed;
}
