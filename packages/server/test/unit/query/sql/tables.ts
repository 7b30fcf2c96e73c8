import Database from 'better-sqlite3';
import pg from 'pg';
import { compareForSort, matches } from '../../../../src/query/evaluate.js';
import { compileQuery, type CompiledQuery, type CompileContext, type Dialect, indexKeyExpression } from '../../../../src/query/sql/compile.js';
import { mergeShapes, type PathShapes, shapesOf } from '../../../../src/query/sql/shapes.js';
import type { Filter, JsonObject, Sort } from '../../../../src/query/tree.js';
import { sqlIndexName } from '../../../../src/store/mesh-queries.js';
import { buildMeshIndex, meshRowsCondition } from '../../../../src/store/sqlite/mesh-indexes.js';
import { createTestDatabase } from '../../../helpers/postgres.js';

/**
 * The table the store keeps (mesh_documents keyed by account, mesh and id), on a real SQLite (in
 * memory) and a real PostgreSQL, with what a search does around the compiled SQL: the WHERE and
 * ORDER BY, then the evaluator's re-check and sort where the compiler said it was not exact.
 */
export interface Table {
  readonly dialect: Dialect;
  /** Stores `documents` as the mesh `mesh` (a new mesh name per data set keeps loads cheap). */
  load(mesh: string, documents: readonly JsonObject[]): Promise<void>;
  /** The compiled query as SQL rows, then re-checked and re-sorted as the store would. */
  search(mesh: string, compiled: CompiledQuery, filter: Filter | undefined, sort: Sort | undefined): Promise<string[]>;
  /** Creates an index on (account, mesh, indexKeyExpression of each of `paths`, id) over every mesh: one serves each data set's mesh. */
  createIndex(...paths: string[]): Promise<string>;
  /** The plan of one page (LIMIT 25) of the search. */
  explain(mesh: string, compiled: CompiledQuery): Promise<string>;
  close(): Promise<void>;
  /** PostgreSQL: whether the variant compiled with codePointStrings. */
  readonly codePointStrings?: boolean;
}

export const ACCOUNT = 'acct';

export function shapesOfAll(documents: readonly JsonObject[]): PathShapes {
  let shapes: PathShapes = new Map();
  for (const document of documents) shapes = mergeShapes(shapes, shapesOf(document)).merged;
  return shapes;
}

export function compileFor(table: Table, query: { filter?: Filter; sort?: Sort }, context: CompileContext): CompiledQuery {
  return compileQuery(
    { dialect: table.dialect, docColumn: 'doc', idColumn: 'id', firstParam: 3, codePointStrings: table.codePointStrings ?? false },
    query,
    context,
  );
}

/**
 * The re-check runs on the documents as loaded, not as PostgreSQL returns them: jsonb reorders
 * object keys, and MongoDB's object comparisons depend on key order.
 */
function finish(ids: readonly string[], loaded: ReadonlyMap<string, JsonObject>, compiled: CompiledQuery, filter: Filter | undefined, sort: Sort | undefined): string[] {
  let documents = ids.map((id) => loaded.get(id) as JsonObject);
  if (!compiled.exact) documents = documents.filter((document) => matches(filter, document));
  if (!compiled.sortExact) documents = [...documents].sort((a, b) => compareForSort(sort, a, b));
  return documents.map((document) => document['_id'] as string);
}

// As migration 5 makes it: a rowid table with a unique index on the id.
const SQLITE_TABLE = `CREATE TABLE mesh_documents (account_id TEXT NOT NULL, mesh TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL);
  CREATE UNIQUE INDEX mesh_documents_id ON mesh_documents (account_id, mesh, id)`;

export interface SqliteTable extends Table {
  /** Creates the index the SQLite store builds for `paths` on one mesh (mesh-indexes.ts: partial, with its planner figures). */
  createMeshIndex(mesh: string, ...paths: string[]): Promise<string>;
}

export function sqliteTable(): SqliteTable {
  const db = new Database(':memory:');
  const meshes = new Map<string, Map<string, JsonObject>>();
  db.exec(SQLITE_TABLE);
  const insert = db.prepare('INSERT INTO mesh_documents (account_id, mesh, id, doc) VALUES (?, ?, ?, ?)');
  let indexes = 0;
  // As the store writes it: the account and mesh as literals (mesh-indexes.ts).
  const statement = (mesh: string, compiled: CompiledQuery) =>
    `SELECT id FROM mesh_documents WHERE ${meshRowsCondition(ACCOUNT, mesh)} AND (${compiled.where}) ORDER BY ${compiled.orderBy}`;
  return {
    dialect: 'sqlite',
    async load(mesh, documents) {
      meshes.set(mesh, new Map(documents.map((document) => [document['_id'] as string, document])));
      db.transaction(() => {
        for (const document of documents) insert.run(ACCOUNT, mesh, document['_id'], JSON.stringify(document));
      })();
    },
    async search(mesh, compiled, filter, sort) {
      const rows = db.prepare(statement(mesh, compiled)).all(...compiled.params, ...compiled.orderParams) as { id: string }[];
      return finish(
        rows.map((row) => row.id),
        meshes.get(mesh) ?? new Map(),
        compiled,
        filter,
        sort,
      );
    },
    async createIndex(...paths) {
      const name = `mesh_index_${++indexes}`;
      db.exec(`CREATE INDEX ${name} ON mesh_documents (account_id, mesh, ${paths.map((path) => indexKeyExpression('sqlite', 'doc', path)).join(', ')}, id)`);
      db.exec('ANALYZE');
      return name;
    },
    async createMeshIndex(mesh, ...paths) {
      const name = `mesh_index_${++indexes}`;
      db.transaction(() => buildMeshIndex(db, ACCOUNT, { name, mesh, paths, unique: false }))();
      return sqlIndexName(ACCOUNT, name);
    },
    async explain(mesh, compiled) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${statement(mesh, compiled)} LIMIT 25`).all(...compiled.params, ...compiled.orderParams) as { detail: string }[];
      return plan.map((row) => row.detail).join('\n');
    },
    async close() {
      db.close();
    },
  };
}

/** One PostgreSQL database, shared by the two variants (codePointStrings or not) of its table. */
export async function postgresTables(): Promise<{ tables: Table[]; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`CREATE TABLE mesh_documents (account_id TEXT NOT NULL, mesh TEXT NOT NULL, id TEXT NOT NULL, doc jsonb NOT NULL,
    PRIMARY KEY (account_id, mesh, id))`);
  let indexes = 0;
  const meshes = new Map<string, Map<string, JsonObject>>();
  const statement = (compiled: CompiledQuery) =>
    `SELECT id FROM mesh_documents WHERE account_id = $1 AND mesh = $2 AND (${compiled.where}) ORDER BY ${compiled.orderBy}`;
  const table = (codePointStrings: boolean): Table => ({
    dialect: 'postgres',
    codePointStrings,
    async load(mesh, documents) {
      if (meshes.has(mesh)) return;
      meshes.set(mesh, new Map(documents.map((document) => [document['_id'] as string, document])));
      if (documents.length === 0) return;
      const values = documents.map((_, i) => `($1, $2, $${i * 2 + 3}, $${i * 2 + 4})`).join(', ');
      await client.query(`INSERT INTO mesh_documents (account_id, mesh, id, doc) VALUES ${values}`, [
        ACCOUNT,
        mesh,
        ...documents.flatMap((document) => [document['_id'], JSON.stringify(document)]),
      ]);
    },
    async search(mesh, compiled, filter, sort) {
      const result = await client.query<{ id: string }>(statement(compiled), [ACCOUNT, mesh, ...compiled.params, ...compiled.orderParams]);
      return finish(
        result.rows.map((row) => row.id),
        meshes.get(mesh) ?? new Map(),
        compiled,
        filter,
        sort,
      );
    },
    async createIndex(...paths) {
      const name = `mesh_index_${++indexes}`;
      const expressions = paths.map((path) => `(${indexKeyExpression('postgres', 'doc', path)})`).join(', ');
      await client.query(`CREATE INDEX ${name} ON mesh_documents (account_id, mesh, ${expressions}, id)`);
      return name;
    },

    async explain(mesh, compiled) {
      await client.query('ANALYZE mesh_documents');
      const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement(compiled)} LIMIT 25`, [ACCOUNT, mesh, ...compiled.params, ...compiled.orderParams]);
      return result.rows.map((row) => row['QUERY PLAN']).join('\n');
    },
    async close() {},
  });
  return {
    tables: [table(false), table(true)],
    async close() {
      await client.end();
      await database.drop();
    },
  };
}
