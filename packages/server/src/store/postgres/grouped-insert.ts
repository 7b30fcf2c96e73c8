import type { PgConnection } from './connection.js';
import { documentKey, type InsertRequest } from './insert-batch.js';

/** A request of a group with the catalog bits its documents bring (newShapes). */
export interface GroupedRequest extends InsertRequest {
  readonly added: ReadonlyMap<string, number>;
}

/**
 * A group of inserts (insert-batch.ts) in one statement, so one round trip and one commit, across
 * any accounts and meshes. Single-document requests, the hot path, go in with ON CONFLICT DO
 * NOTHING: one whose id is taken (or which a unique mesh index refuses) is left out alone, and
 * RETURNING says which went in; rows are inserted in the requests' order, so of two that collide
 * on a unique index the first wins. A multi-document request must go in whole or not at all, which
 * DO NOTHING cannot give (it would leave the rest of the batch in), so batches go in with a plain
 * INSERT: a conflict there fails the whole statement, nothing commits, and the caller falls back
 * to each request on its own (a bulk create meeting a taken id is a client's mistake, not the hot
 * path). The catalog gains the bits of the documents that went in: a batch's whenever the
 * statement commits, a single's only when RETURNING has it; one row per path, taken in one order
 * (C collation: code points, which the single statements' sorted arrays follow too) so that
 * concurrent writers lock the catalog's rows alike and do not deadlock.
 */
const GROUPED_INSERT = `WITH singles AS (
    INSERT INTO mesh_documents (account_id, mesh, id, body)
    SELECT d.account_id, d.mesh, d.id, d.body FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS d(account_id, mesh, id, body, n)
    ORDER BY d.n
    ON CONFLICT DO NOTHING
    RETURNING account_id, mesh, id
  ), batches AS (
    INSERT INTO mesh_documents (account_id, mesh, id, body)
    SELECT b.account_id, b.mesh, b.id, b.body FROM unnest($5::text[], $6::text[], $7::text[], $8::text[]) AS b(account_id, mesh, id, body)
  ), shapes AS (
    INSERT INTO mesh_shapes (account_id, mesh, path, bits)
    SELECT s.account_id, s.mesh, s.path, bit_or(s.bits) FROM unnest($9::text[], $10::text[], $11::text[], $12::text[], $13::int[]) AS s(account_id, mesh, id, path, bits)
    WHERE s.id IS NULL OR EXISTS (SELECT 1 FROM singles i WHERE i.account_id = s.account_id AND i.mesh = s.mesh AND i.id = s.id)
    GROUP BY s.account_id, s.mesh, s.path
    ORDER BY s.account_id COLLATE "C", s.mesh COLLATE "C", s.path COLLATE "C"
    ON CONFLICT (account_id, mesh, path) DO UPDATE SET bits = mesh_shapes.bits | excluded.bits
  ) SELECT account_id, mesh, id FROM singles`;

/**
 * Runs the group's statement and says, per request, whether it went in (a batch always has, when
 * this returns). No two requests of a group name one document (insert-batch.ts). Throws what the statement
 * threw, in which case nothing of the group committed.
 */
export async function insertGrouped(connection: PgConnection, requests: readonly GroupedRequest[]): Promise<boolean[]> {
  const singles = new Columns(4);
  const batches = new Columns(4);
  const shapes = new Columns(5);
  for (const request of requests) {
    const { accountId, mesh, documents } = request;
    const single = documents.length === 1;
    for (const document of documents) (single ? singles : batches).push(accountId, mesh, document.id, document.json);
    // A batch's bits need no condition: it is in whenever the statement commits.
    for (const [path, bits] of request.added) shapes.push(accountId, mesh, single ? documents[0]!.id : null, path, bits);
  }
  const result = await connection.query(GROUPED_INSERT, [...singles.arrays, ...batches.arrays, ...shapes.arrays], { rowMode: 'array', uniqueField: 'mesh id' });
  const inserted = new Set((result.rows as [string, string, string][]).map(([accountId, mesh, id]) => documentKey({ accountId, mesh }, id)));
  return requests.map((request) => request.documents.length > 1 || inserted.has(documentKey(request, request.documents[0]!.id)));
}

/** Parallel arrays, one per column, as unnest takes them. */
class Columns {
  readonly arrays: unknown[][];

  constructor(width: number) {
    this.arrays = Array.from({ length: width }, () => []);
  }

  push(...values: unknown[]): void {
    values.forEach((value, i) => this.arrays[i]!.push(value));
  }
}
