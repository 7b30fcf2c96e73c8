import type { Projection } from '../modules/projections/types.js';
import type { Row } from './rows.js';

/** A projections row, the same from SQLite and PostgreSQL (the pipeline is JSON text in both). */
export function toProjection(row: Row): Projection {
  return {
    id: row.id as string,
    accountId: row.account_id as string,
    name: row.name as string,
    mesh: row.mesh as string,
    pipeline: JSON.parse(row.pipeline as string),
    description: (row.description as string | null) ?? null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
