import type { ProjectionStore } from '../../modules/projections/store.js';
import type { Projection, ProjectionChange } from '../../modules/projections/types.js';
import { toProjection } from '../projection-rows.js';
import type { PgConnection } from './connection.js';

export class PgProjectionStore implements ProjectionStore {
  constructor(private readonly connection: PgConnection) {}

  async create(p: Projection): Promise<void> {
    await this.connection.query(
      `INSERT INTO projections (id, account_id, name, name_key, mesh, pipeline, description, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [p.id, p.accountId, p.name, p.name.toLowerCase(), p.mesh, JSON.stringify(p.pipeline), p.description, p.createdAt, p.updatedAt],
      { uniqueField: 'projection name' },
    );
  }

  async findByName(accountId: string, name: string): Promise<Projection | undefined> {
    const row = (await this.connection.query('SELECT * FROM projections WHERE account_id = $1 AND name_key = $2', [accountId, name.toLowerCase()])).rows[0];
    return row && toProjection(row);
  }

  async list(accountId: string): Promise<Projection[]> {
    const result = await this.connection.query('SELECT * FROM projections WHERE account_id = $1 ORDER BY name_key COLLATE "C", id', [accountId]);
    return result.rows.map(toProjection);
  }

  async update(accountId: string, name: string, c: ProjectionChange): Promise<boolean> {
    const result = await this.connection.query(
      `UPDATE projections SET name = $1, name_key = $2, mesh = $3, pipeline = $4, description = $5, updated_at = $6
       WHERE account_id = $7 AND name_key = $8`,
      [c.name, c.name.toLowerCase(), c.mesh, JSON.stringify(c.pipeline), c.description, c.updatedAt, accountId, name.toLowerCase()],
      { uniqueField: 'projection name' },
    );
    return result.rowCount === 1;
  }

  async delete(accountId: string, name: string): Promise<boolean> {
    const result = await this.connection.query('DELETE FROM projections WHERE account_id = $1 AND name_key = $2', [accountId, name.toLowerCase()]);
    return result.rowCount === 1;
  }
}
