import Database from 'better-sqlite3';
import { applyUpdate, matches } from '../../query/evaluate.js';
import { mergeShapes, shapesOf, type PathShapes } from '../../query/sql/shapes.js';
import type { Filter, JsonObject, Update } from '../../query/tree.js';
import {
  ScanBudgetExceeded,
  type MeshIndex,
  type MeshQuery,
  type MeshStore,
  type QueryBudget,
  type SearchResult,
  type StoredDocument,
  type UpdateManyResult,
} from '../../modules/meshes/store.js';
import { parsedDocument, sqlIndexName, validateIndex } from '../mesh-queries.js';
import { uniqueOr, type SqliteConnection } from './connection.js';
import { TurnBatch } from './turn-batch.js';

/** One call of insert: documents for one mesh, all of them or none. */
interface MeshInsert {
  accountId: string;
  mesh: string;
  documents: readonly StoredDocument[];
}

/** Why one insert of a committed batch was left out (a duplicate id, say); undefined: it was committed. */
type InsertRefusal = { error: unknown } | undefined;
import { buildMeshIndex } from './mesh-indexes.js';
import { candidateRows, MeshStatements, prepareQuery } from './mesh-queries.js';
import { MeshReaderPool } from './mesh-reader-pool.js';

interface IndexRow {
  name: string;
  mesh: string;
  paths: string;
  is_unique: number;
  created_at: number;
}

/**
 * The meshes port on SQLite. Writes and get-by-id run on the server's connection (synchronous,
 * so each is atomic; the inserts of a turn share one commit, turn-batch.ts); searches on reader
 * threads (mesh-reader-pool.ts); updateMany and deleteMany read and write in one IMMEDIATE
 * transaction on the writer, which is what keeps a PATCH and a concurrent DELETE or PUT from
 * interleaving.
 */
export class SqliteMeshStore implements MeshStore {
  private readonly s;
  private readonly statements: MeshStatements;
  private readonly readers: MeshReaderPool;
  /** The shape catalog as last committed by this connection, per account and mesh: at worst stale (lacking bits). */
  private readonly shapeCache = new Map<string, PathShapes>();
  /** Made once: the hot writes' transactions (better-sqlite3 wraps a function per db.transaction call). */
  private readonly insertAll: Database.Transaction<(accountId: string, mesh: string, documents: readonly StoredDocument[]) => void>;
  private readonly replaceOne: Database.Transaction<(accountId: string, mesh: string, document: StoredDocument) => boolean>;
  private readonly inserts: TurnBatch<MeshInsert, InsertRefusal>;

  constructor(private readonly connection: SqliteConnection, options: { readers?: number } = {}) {
    const db = connection.db;
    this.statements = new MeshStatements(db);
    this.readers = new MeshReaderPool(db.name, options.readers);
    this.s = {
      insert: db.prepare('INSERT INTO mesh_documents (account_id, mesh, id, doc) VALUES (?, ?, ?, ?)'),
      get: db.prepare('SELECT doc FROM mesh_documents WHERE account_id = ? AND mesh = ? AND id = ?').pluck(),
      replace: db.prepare('UPDATE mesh_documents SET doc = ? WHERE account_id = ? AND mesh = ? AND id = ?'),
      deleteOne: db.prepare('DELETE FROM mesh_documents WHERE account_id = ? AND mesh = ? AND id = ?'),
      upsertShape: db.prepare(`INSERT INTO mesh_shapes (account_id, mesh, path, bits) VALUES (?, ?, ?, ?)
        ON CONFLICT (account_id, mesh, path) DO UPDATE SET bits = bits | excluded.bits`),
      meshNames: db.prepare('SELECT DISTINCT mesh FROM mesh_shapes WHERE account_id = ? ORDER BY mesh').pluck(),
      insertIndex: db.prepare('INSERT INTO mesh_indexes (account_id, name, mesh, paths, is_unique, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      listIndexes: db.prepare('SELECT * FROM mesh_indexes WHERE account_id = ? ORDER BY mesh, name'),
      listMeshIndexes: db.prepare('SELECT * FROM mesh_indexes WHERE account_id = ? AND mesh = ? ORDER BY name'),
      deleteIndex: db.prepare('DELETE FROM mesh_indexes WHERE account_id = ? AND name = ?'),
    };
    this.insertAll = db.transaction((accountId: string, mesh: string, documents: readonly StoredDocument[]) => {
      for (const document of documents) this.s.insert.run(accountId, mesh, document.id, document.json);
      this.recordShapes(accountId, mesh, documents.map(parsedDocument));
    });
    // Called inside commitInserts' transaction, insertAll runs in a savepoint (better-sqlite3 nests
    // a transaction function so): a refused bulk insert rolls back to it, the batch's others stay.
    const commitInserts = db.transaction((inserts: readonly MeshInsert[]) => inserts.map((insert) => this.insertInBatch(insert)));
    this.inserts = new TurnBatch((inserts: MeshInsert[]) =>
      connection.write(() => {
        try {
          return commitInserts.immediate(inserts);
        } catch (error) {
          for (const { accountId, mesh } of inserts) this.forgetShapes(accountId, mesh);
          throw error;
        }
      }),
    );
    connection.onClose(() => this.inserts.flush());
    this.replaceOne = db.transaction((accountId: string, mesh: string, document: StoredDocument): boolean => {
      if (this.s.replace.run(document.json, accountId, mesh, document.id).changes !== 1) return false;
      this.recordShapes(accountId, mesh, [parsedDocument(document)]);
      return true;
    });
  }

  /** The reader threads: how many may run, and how many do. */
  get readerThreads(): { limit: number; running: number } {
    return { limit: this.readers.limit, running: this.readers.threads };
  }

  /** Before the connection closes (sqlite-store.ts): the reader threads finish and close theirs. */
  closeReaders(): Promise<void> {
    return this.readers.close();
  }

  /** Committed with the other inserts of this event-loop turn (turn-batch.ts), all of `documents` or none. */
  async insert(accountId: string, mesh: string, documents: readonly StoredDocument[]): Promise<void> {
    const refusal = await this.inserts.add({ accountId, mesh, documents });
    if (refusal) throw refusal.error;
  }

  /**
   * One insert of a batch, inside the batch's transaction. A bulk insert runs in a savepoint
   * (insertAll, nested); a single document is one INSERT, which SQLite undoes whole when it fails,
   * so it needs none (a savepoint cost a create ~5 µs). A refusal of its own (a duplicate id, a
   * unique index, text that does not parse) is answered to its caller alone; any other SQLite error
   * (the disk full, an I/O error) fails the whole batch, as SQLite advises a rollback after those,
   * and so does one that already ended the transaction, or one after a single document's row is in
   * (nothing could undo that row alone).
   */
  private insertInBatch({ accountId, mesh, documents }: MeshInsert): InsertRefusal {
    let rowWritten = false;
    try {
      if (documents.length === 1) {
        const document = documents[0]!;
        const parsed = parsedDocument(document);
        this.s.insert.run(accountId, mesh, document.id, document.json);
        rowWritten = true;
        this.recordShapes(accountId, mesh, [parsed]);
      } else {
        this.insertAll(accountId, mesh, documents);
      }
      return undefined;
    } catch (error) {
      this.forgetShapes(accountId, mesh);
      if (rowWritten || !this.connection.db.inTransaction || isDatabaseFailure(error)) throw error;
      return { error: uniqueOr(error, 'mesh id') };
    }
  }

  async get(accountId: string, mesh: string, id: string): Promise<StoredDocument | undefined> {
    const json = this.connection.reads.get(this.s.get, accountId, mesh, id) as string | undefined;
    return json === undefined ? undefined : { id, json };
  }

  async replace(accountId: string, mesh: string, document: StoredDocument): Promise<boolean> {
    return this.connection.write(() => {
      try {
        return this.replaceOne.immediate(accountId, mesh, document);
      } catch (error) {
        this.forgetShapes(accountId, mesh);
        throw uniqueOr(error, 'mesh id');
      }
    });
  }

  async search(accountId: string, mesh: string, query: MeshQuery & { offset: number; limit: number }, budget: QueryBudget): Promise<SearchResult> {
    const answer = await this.readers.search({ accountId, mesh, filter: query.filter, sort: query.sort, offset: query.offset, limit: query.limit, maxScan: budget.maxScan });
    if (answer.kind === 'budget') throw new ScanBudgetExceeded(answer.examined, answer.budget);
    return { results: answer.results, totalRecords: answer.totalRecords, plan: answer.plan };
  }

  async updateMany(accountId: string, mesh: string, filter: Filter | undefined, update: Update, now: number, budget: QueryBudget): Promise<UpdateManyResult> {
    const { db } = this.connection;
    const date = new Date(now);
    return this.connection.write(() => {
      try {
        return db.transaction((): UpdateManyResult => {
          const prepared = prepareQuery(this.statements, { accountId, mesh, filter, maxScan: budget.maxScan });
          if (!('compiled' in prepared)) throw new ScanBudgetExceeded(prepared.examined, prepared.budget);
          let matchedCount = 0;
          const changed: JsonObject[] = [];
          for (const row of candidateRows(this.statements, prepared, false)) {
            const document = JSON.parse(row.json) as JsonObject;
            if (!prepared.compiled.exact && !matches(filter, document)) continue;
            matchedCount++;
            const outcome = applyUpdate(document, update, { filter, now: date });
            if (!outcome.modified) continue;
            this.s.replace.run(JSON.stringify(outcome.document), accountId, mesh, row.id);
            changed.push(outcome.document);
          }
          this.recordShapes(accountId, mesh, changed);
          return { matchedCount, modifiedCount: changed.length };
        }).immediate();
      } catch (error) {
        this.forgetShapes(accountId, mesh);
        throw uniqueOr(error, 'mesh id');
      }
    });
  }

  async deleteOne(accountId: string, mesh: string, id: string): Promise<boolean> {
    return this.connection.write(() => this.s.deleteOne.run(accountId, mesh, id).changes === 1);
  }

  async deleteMany(accountId: string, mesh: string, filter: Filter | undefined, budget: QueryBudget): Promise<number> {
    const { db } = this.connection;
    return this.connection.write(() =>
      db.transaction((): number => {
        const prepared = prepareQuery(this.statements, { accountId, mesh, filter, maxScan: budget.maxScan });
        if (!('compiled' in prepared)) throw new ScanBudgetExceeded(prepared.examined, prepared.budget);
        if (prepared.compiled.exact) {
          return this.statements.get(`DELETE FROM mesh_documents WHERE ${prepared.whereSql}`).run(...prepared.compiled.params).changes;
        }
        let deleted = 0;
        for (const row of candidateRows(this.statements, prepared, false)) {
          if (matches(filter, JSON.parse(row.json) as JsonObject)) deleted += this.s.deleteOne.run(accountId, mesh, row.id).changes;
        }
        return deleted;
      }).immediate(),
    );
  }

  async meshNames(accountId: string): Promise<string[]> {
    return this.s.meshNames.all(accountId) as string[];
  }

  async createIndex(accountId: string, index: MeshIndex): Promise<void> {
    if (index.containment) throw new RangeError('containment (GIN) indexes are PostgreSQL-only');
    validateIndex(index);
    const { db } = this.connection;
    this.connection.write(() =>
      db.transaction(() => {
        try {
          this.s.insertIndex.run(accountId, index.name, index.mesh, JSON.stringify(index.paths), +index.unique, index.createdAt);
        } catch (error) {
          throw uniqueOr(error, 'index');
        }
        try {
          buildMeshIndex(db, accountId, index);
        } catch (error) {
          throw uniqueOr(error, 'mesh id');
        }
      }).immediate(),
    );
  }

  async listIndexes(accountId: string, mesh?: string): Promise<MeshIndex[]> {
    const rows = (mesh === undefined ? this.s.listIndexes.all(accountId) : this.s.listMeshIndexes.all(accountId, mesh)) as IndexRow[];
    return rows.map((row) => ({ name: row.name, mesh: row.mesh, paths: JSON.parse(row.paths) as string[], unique: row.is_unique === 1, createdAt: row.created_at }));
  }

  async dropIndex(accountId: string, name: string): Promise<boolean> {
    const { db } = this.connection;
    return this.connection.write(() =>
      db.transaction(() => {
        if (this.s.deleteIndex.run(accountId, name).changes !== 1) return false;
        db.exec(`DROP INDEX IF EXISTS ${sqlIndexName(accountId, name)}`);
        return true;
      }).immediate(),
    );
  }

  /**
   * Inside the write transaction: adds to the catalog the bits `documents` bring over what it
   * holds. The cache is read from the database the first time, and only trusted to lack bits.
   */
  private recordShapes(accountId: string, mesh: string, documents: readonly JsonObject[]): void {
    if (documents.length === 0) return;
    const key = `${accountId}\u0000${mesh}`;
    let known = this.shapeCache.get(key);
    if (!known) {
      const loaded = new Map<string, number>();
      for (const [path, bits] of this.statements.shapes.all(accountId, mesh) as [string, number][]) loaded.set(path, bits);
      known = loaded;
    }
    const brought = new Map<string, number>();
    for (const document of documents) shapesOf(document, brought);
    const { merged, added } = mergeShapes(known, brought);
    for (const [path, bits] of added) this.s.upsertShape.run(accountId, mesh, path, bits);
    if (this.shapeCache.size >= 10_000) this.shapeCache.clear();
    // Set before the commit: a rollback clears it (forgetShapes), so it never holds bits the database lacks.
    this.shapeCache.set(key, merged);
  }

  private forgetShapes(accountId: string, mesh: string): void {
    this.shapeCache.delete(`${accountId}\u0000${mesh}`);
  }
}

/** An SQLite error that is not a constraint refusing one statement: the database failed, not the request. */
function isDatabaseFailure(error: unknown): boolean {
  return error instanceof Database.SqliteError && !error.code.startsWith('SQLITE_CONSTRAINT');
}
