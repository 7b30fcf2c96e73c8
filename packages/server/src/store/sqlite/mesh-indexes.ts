import type { Database } from 'better-sqlite3';
import type { MeshIndex } from '../../modules/meshes/store.js';
import { indexKeyExpression } from '../../query/sql/compile.js';
import { ddlLiteral, sqlIndexName } from '../mesh-queries.js';

/**
 * How a mesh index is built on SQLite: partial, over one mesh's rows. Used by createIndex and by
 * migration 8, which rebuilt the indexes made before as such.
 */

/**
 * The condition that selects one mesh's rows, with the account and mesh as literals (checked by
 * ddlLiteral, never escaped). It is each partial index's WHERE clause, and every query over a
 * mesh's rows starts with the same text: SQLite matches a partial index to a query by comparing
 * expressions, so a literal in the query matches when the statement is prepared, while a bound
 * `account_id = ?` matches only through a re-prepare of the statement at every execution.
 */
export function meshRowsCondition(accountId: string, mesh: string): string {
  return `account_id = ${ddlLiteral(accountId)} AND mesh = ${ddlLiteral(mesh)}`;
}

type IndexDefinition = Pick<MeshIndex, 'name' | 'mesh' | 'paths' | 'unique'>;

/**
 * The CREATE INDEX of one mesh index. Only our hex name, checked paths (validateIndex) and
 * checked names reach the DDL. Partial, so writes to other meshes never maintain it and a unique
 * index is unique within its mesh. The columns still lead with account_id and mesh: without them
 * a count over the index read every matching row of the table (the planner no longer took the
 * index as covering), and the plan check reads the same `(account_id=? AND mesh=? AND ...)` seek.
 * A non-unique index ends with id: the compiler's ORDER BY <keys>, id is then the index's order
 * (a page of 25 reads 25 entries, no sort). A unique one stays unique on its keys alone.
 */
export function meshIndexDdl(accountId: string, index: IndexDefinition): string {
  const keys = index.paths.map((path) => indexKeyExpression('sqlite', 'doc', path)).join(', ');
  return (
    `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${sqlIndexName(accountId, index.name)} ` +
    `ON mesh_documents (account_id, mesh, ${keys}${index.unique ? '' : ', id'}) WHERE ${meshRowsCondition(accountId, index.mesh)}`
  );
}

/** Builds the index (throws SQLite's constraint error when a unique one meets a duplicate) with its planner figures. Inside the caller's transaction. */
export function buildMeshIndex(db: Database, accountId: string, index: IndexDefinition): void {
  db.exec(meshIndexDdl(accountId, index));
  assumeSelectiveIndex(db, sqlIndexName(accountId, index.name), index);
}

/**
 * Without statistics SQLite's planner may prefer the id index's (account_id, mesh) seek to a
 * mesh index's seek on (account_id, mesh, key): it would not use the index. So each mesh index
 * gets sqlite_stat1 figures that say what it is for (its mesh of ~1,000 documents, ~10 per key
 * value: a partial index's first figure counts its own rows, and its account and mesh columns
 * hold one value each), as SQLite documents for steering its planner, and so does the id index
 * (named `mesh_documents` for a store whose table was WITHOUT ROWID, where it is the primary key),
 * which holds every mesh: ~1,000 of each. A real ANALYZE (PRAGMA optimize) replaces them with
 * measured ones. DROP INDEX deletes an index's figures, so a rebuilt index needs them again.
 */
function assumeSelectiveIndex(db: Database, sqlName: string, index: IndexDefinition): void {
  db.exec('ANALYZE sqlite_schema');
  db.prepare(`INSERT INTO sqlite_stat1 (tbl, idx, stat)
    SELECT 'mesh_documents', CASE WHEN EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = 'mesh_documents_id') THEN 'mesh_documents_id' ELSE 'mesh_documents' END, '1000000 10000 1000 1'
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl = 'mesh_documents' AND idx IN ('mesh_documents', 'mesh_documents_id'))`).run();
  db.prepare('DELETE FROM sqlite_stat1 WHERE idx = ?').run(sqlName);
  db.prepare("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('mesh_documents', ?, ?)").run(sqlName, assumedIndexStat(index));
  db.exec('ANALYZE sqlite_schema');
}

/** The sqlite_stat1 figures of a mesh index over a mesh of ~1,000 documents, ~10 per key value (a unique index's full key: 1). */
export function assumedIndexStat(index: Pick<MeshIndex, 'paths' | 'unique'>): string {
  const perKey = index.paths.map((_, n) => (index.unique && n === index.paths.length - 1 ? '1' : '10')).join(' ');
  return `1000 1000 1000 ${perKey}${index.unique ? '' : ' 1'}`;
}
