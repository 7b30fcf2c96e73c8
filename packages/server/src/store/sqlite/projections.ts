import type { ProjectionStore } from '../../modules/projections/store.js';
import type { Projection, ProjectionChange } from '../../modules/projections/types.js';
import { toProjection } from '../projection-rows.js';
import type { Row } from '../rows.js';
import { uniqueOr, type SqliteConnection } from './connection.js';

export class SqliteProjectionStore implements ProjectionStore {
  private readonly s;

  constructor(private readonly connection: SqliteConnection) {
    const db = connection.db;
    this.s = {
      insert: db.prepare(`INSERT INTO projections (id, account_id, name, name_key, mesh, pipeline, description, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      byName: db.prepare('SELECT * FROM projections WHERE account_id = ? AND name_key = ?'),
      list: db.prepare('SELECT * FROM projections WHERE account_id = ? ORDER BY name_key, id'),
      update: db.prepare(`UPDATE projections SET name = ?, name_key = ?, mesh = ?, pipeline = ?, description = ?, updated_at = ?
        WHERE account_id = ? AND name_key = ?`),
      delete: db.prepare('DELETE FROM projections WHERE account_id = ? AND name_key = ?'),
    };
  }

  async create(p: Projection): Promise<void> {
    this.connection.write(() => {
      try {
        this.s.insert.run(p.id, p.accountId, p.name, p.name.toLowerCase(), p.mesh, JSON.stringify(p.pipeline), p.description, p.createdAt, p.updatedAt);
      } catch (error) {
        throw uniqueOr(error, 'projection name');
      }
    });
  }

  async findByName(accountId: string, name: string): Promise<Projection | undefined> {
    const row = this.s.byName.get(accountId, name.toLowerCase()) as Row | undefined;
    return row && toProjection(row);
  }

  async list(accountId: string): Promise<Projection[]> {
    return (this.s.list.all(accountId) as Row[]).map(toProjection);
  }

  async update(accountId: string, name: string, c: ProjectionChange): Promise<boolean> {
    return this.connection.write(() => {
      try {
        const result = this.s.update.run(c.name, c.name.toLowerCase(), c.mesh, JSON.stringify(c.pipeline), c.description, c.updatedAt, accountId, name.toLowerCase());
        return result.changes === 1;
      } catch (error) {
        throw uniqueOr(error, 'projection name');
      }
    });
  }

  async delete(accountId: string, name: string): Promise<boolean> {
    return this.connection.write(() => this.s.delete.run(accountId, name.toLowerCase()).changes === 1);
  }
}
