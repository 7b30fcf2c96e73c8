import type { RoleStore, RoleWithCount } from '../../modules/roles/store.js';
import type { Grant, Page, PageRequest, Permission, Role } from '../../modules/roles/types.js';
import { containsPattern, grantsByRole, toPermission, toRole } from '../rows.js';
import type { PgConnection } from './connection.js';

const roleColumns = `r.*, (SELECT count(*) FROM user_roles ur WHERE ur.account_id = r.account_id AND ur.role_id = r.id) AS number_of_users`;
const nameFilter = `($2::text IS NULL OR r.name_key LIKE $2 ESCAPE '\\')`;
const permissibleFilter = `($3::text IS NULL OR permissible_key LIKE $3 ESCAPE '\\')`;

export class PgRoleStore implements RoleStore {
  constructor(private readonly connection: PgConnection) {}

  async create(role: Role): Promise<void> {
    await this.connection.query(
      'INSERT INTO roles (id, account_id, name, name_key, description, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [role.id, role.accountId, role.name, role.name.toLowerCase(), role.description, role.createdAt],
      { uniqueField: 'role name' },
    );
  }

  async findById(accountId: string, id: string): Promise<Role | undefined> {
    const row = (await this.connection.query('SELECT * FROM roles WHERE account_id = $1 AND id = $2', [accountId, id])).rows[0];
    return row && toRole(row);
  }

  async findByName(accountId: string, name: string): Promise<Role | undefined> {
    const row = (await this.connection.query('SELECT * FROM roles WHERE account_id = $1 AND name_key = $2', [accountId, name.toLowerCase()])).rows[0];
    return row && toRole(row);
  }

  async search(accountId: string, query: { name?: string } & PageRequest): Promise<Page<RoleWithCount>> {
    const pattern = query.name === undefined || query.name === '' ? null : containsPattern(query.name);
    const [rows, count] = await Promise.all([
      this.connection.query(`SELECT ${roleColumns} FROM roles r WHERE r.account_id = $1 AND ${nameFilter} ORDER BY r.name_key COLLATE "C", r.id LIMIT $3 OFFSET $4`, [
        accountId,
        pattern,
        query.pageSize,
        (query.page - 1) * query.pageSize,
      ]),
      this.connection.query(`SELECT count(*) AS n FROM roles r WHERE r.account_id = $1 AND ${nameFilter}`, [accountId, pattern]),
    ]);
    return { results: rows.rows.map((row) => ({ ...toRole(row), numberOfUsers: Number(row.number_of_users) })), totalRecords: Number(count.rows[0].n) };
  }

  async update(accountId: string, id: string, change: { name: string; description: string | null }): Promise<boolean> {
    const result = await this.connection.query(
      'UPDATE roles SET name = $1, name_key = $2, description = $3 WHERE account_id = $4 AND id = $5',
      [change.name, change.name.toLowerCase(), change.description, accountId, id],
      { uniqueField: 'role name' },
    );
    return result.rowCount === 1;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    // The foreign keys cascade to user_roles and role_permissions in the same statement; a
    // membership being added meanwhile waits on the role row's lock and then finds no role.
    const result = await this.connection.query('DELETE FROM roles WHERE account_id = $1 AND id = $2', [accountId, id]);
    return result.rowCount === 1;
  }

  async createPermission(p: Permission): Promise<void> {
    await this.connection.query(
      `INSERT INTO role_permissions (id, account_id, role_id, permissible_name, permissible_key, can_create, can_read, can_update, can_delete, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [p.id, p.accountId, p.roleId, p.permissibleName, p.permissibleName.toLowerCase(), p.create, p.read, p.update, p.delete, Date.now()],
      { uniqueField: 'permissible' },
    );
  }

  async findPermission(accountId: string, roleId: string, id: string): Promise<Permission | undefined> {
    const row = (await this.connection.query('SELECT * FROM role_permissions WHERE account_id = $1 AND role_id = $2 AND id = $3', [accountId, roleId, id])).rows[0];
    return row && toPermission(row);
  }

  async searchPermissions(accountId: string, roleId: string, query: { permissibleName?: string } & PageRequest): Promise<Page<Permission>> {
    const pattern = query.permissibleName === undefined || query.permissibleName === '' ? null : containsPattern(query.permissibleName);
    const [rows, count] = await Promise.all([
      this.connection.query(
        `SELECT * FROM role_permissions WHERE account_id = $1 AND role_id = $2 AND ${permissibleFilter} ORDER BY permissible_key COLLATE "C", id LIMIT $4 OFFSET $5`,
        [accountId, roleId, pattern, query.pageSize, (query.page - 1) * query.pageSize],
      ),
      this.connection.query(`SELECT count(*) AS n FROM role_permissions WHERE account_id = $1 AND role_id = $2 AND ${permissibleFilter}`, [accountId, roleId, pattern]),
    ]);
    return { results: rows.rows.map(toPermission), totalRecords: Number(count.rows[0].n) };
  }

  async listPermissions(accountId: string, roleId: string): Promise<Permission[]> {
    const result = await this.connection.query('SELECT * FROM role_permissions WHERE account_id = $1 AND role_id = $2 ORDER BY permissible_key COLLATE "C", id', [accountId, roleId]);
    return result.rows.map(toPermission);
  }

  async updatePermission(p: Permission): Promise<boolean> {
    const result = await this.connection.query(
      `UPDATE role_permissions SET permissible_name = $1, permissible_key = $2, can_create = $3, can_read = $4, can_update = $5, can_delete = $6
       WHERE account_id = $7 AND role_id = $8 AND id = $9`,
      [p.permissibleName, p.permissibleName.toLowerCase(), p.create, p.read, p.update, p.delete, p.accountId, p.roleId, p.id],
      { uniqueField: 'permissible' },
    );
    return result.rowCount === 1;
  }

  async deletePermission(accountId: string, roleId: string, id: string): Promise<boolean> {
    const result = await this.connection.query('DELETE FROM role_permissions WHERE account_id = $1 AND role_id = $2 AND id = $3', [accountId, roleId, id]);
    return result.rowCount === 1;
  }

  async addMembers(accountId: string, roleId: string, userIds: readonly string[], at: number): Promise<number> {
    try {
      const result = await this.connection.query(
        `INSERT INTO user_roles (account_id, user_id, role_id, added_date)
         SELECT u.account_id, u.id, r.id, $1 FROM users u JOIN roles r ON r.account_id = u.account_id AND r.id = $2
         WHERE u.account_id = $3 AND NOT u.anonymous AND u.id = ANY($4::text[])
         ON CONFLICT DO NOTHING`,
        [at, roleId, accountId, [...userIds]],
      );
      return result.rowCount ?? 0;
    } catch (error) {
      // The role (or a user) was deleted between the read and the insert: nothing was added.
      if ((error as { code?: string }).code === '23503') return 0;
      throw error;
    }
  }

  async removeMembers(accountId: string, roleId: string, userIds: readonly string[]): Promise<number> {
    const result = await this.connection.query('DELETE FROM user_roles WHERE account_id = $1 AND role_id = $2 AND user_id = ANY($3::text[])', [
      accountId,
      roleId,
      [...userIds],
    ]);
    return result.rowCount ?? 0;
  }

  async accountGrants(accountId: string): Promise<Map<string, Grant[]>> {
    const result = await this.connection.query(
      `SELECT r.name_key, p.permissible_name, p.can_create, p.can_read, p.can_update, p.can_delete
       FROM roles r LEFT JOIN role_permissions p ON p.account_id = r.account_id AND p.role_id = r.id WHERE r.account_id = $1
       ORDER BY r.name_key, p.permissible_key`,
      [accountId],
    );
    return grantsByRole(result.rows);
  }
}
