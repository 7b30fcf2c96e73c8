import type { RoleStore, RoleWithCount } from '../../modules/roles/store.js';
import type { Grant, Page, PageRequest, Permission, Role } from '../../modules/roles/types.js';
import { containsPattern, grantsByRole, toPermission, toRole, type Row } from '../rows.js';
import { uniqueOr, type SqliteConnection } from './connection.js';

const roleColumns = `r.*, (SELECT count(*) FROM user_roles ur WHERE ur.account_id = r.account_id AND ur.role_id = r.id) AS number_of_users`;

export class SqliteRoleStore implements RoleStore {
  private readonly s;

  constructor(private readonly connection: SqliteConnection) {
    const db = connection.db;
    this.s = {
      insert: db.prepare('INSERT INTO roles (id, account_id, name, name_key, description, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      byId: db.prepare('SELECT * FROM roles WHERE account_id = ? AND id = ?'),
      byName: db.prepare('SELECT * FROM roles WHERE account_id = ? AND name_key = ?'),
      search: db.prepare(`SELECT ${roleColumns} FROM roles r WHERE r.account_id = ? AND (? IS NULL OR r.name_key LIKE ? ESCAPE '\\')
        ORDER BY r.name_key, r.id LIMIT ? OFFSET ?`),
      count: db.prepare(`SELECT count(*) AS n FROM roles r WHERE r.account_id = ? AND (? IS NULL OR r.name_key LIKE ? ESCAPE '\\')`),
      update: db.prepare('UPDATE roles SET name = ?, name_key = ?, description = ? WHERE account_id = ? AND id = ?'),
      deleteMembers: db.prepare('DELETE FROM user_roles WHERE account_id = ? AND role_id = ?'),
      deletePermissions: db.prepare('DELETE FROM role_permissions WHERE account_id = ? AND role_id = ?'),
      delete: db.prepare('DELETE FROM roles WHERE account_id = ? AND id = ?'),
      insertPermission: db.prepare(`INSERT INTO role_permissions (id, account_id, role_id, permissible_name, permissible_key,
        can_create, can_read, can_update, can_delete, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      permission: db.prepare('SELECT * FROM role_permissions WHERE account_id = ? AND role_id = ? AND id = ?'),
      searchPermissions: db.prepare(`SELECT * FROM role_permissions WHERE account_id = ? AND role_id = ?
        AND (? IS NULL OR permissible_key LIKE ? ESCAPE '\\') ORDER BY permissible_key, id LIMIT ? OFFSET ?`),
      countPermissions: db.prepare(`SELECT count(*) AS n FROM role_permissions WHERE account_id = ? AND role_id = ?
        AND (? IS NULL OR permissible_key LIKE ? ESCAPE '\\')`),
      listPermissions: db.prepare('SELECT * FROM role_permissions WHERE account_id = ? AND role_id = ? ORDER BY permissible_key, id'),
      updatePermission: db.prepare(`UPDATE role_permissions SET permissible_name = ?, permissible_key = ?, can_create = ?, can_read = ?,
        can_update = ?, can_delete = ? WHERE account_id = ? AND role_id = ? AND id = ?`),
      deletePermission: db.prepare('DELETE FROM role_permissions WHERE account_id = ? AND role_id = ? AND id = ?'),
      addMembers: db.prepare(`INSERT OR IGNORE INTO user_roles (account_id, user_id, role_id, added_date)
        SELECT u.account_id, u.id, r.id, ? FROM users u JOIN roles r ON r.account_id = u.account_id AND r.id = ?
        WHERE u.account_id = ? AND u.anonymous = 0 AND u.id IN (SELECT value FROM json_each(?))`),
      removeMembers: db.prepare(`DELETE FROM user_roles WHERE account_id = ? AND role_id = ?
        AND user_id IN (SELECT value FROM json_each(?))`),
      grants: db.prepare(`SELECT r.name_key, p.permissible_name, p.can_create, p.can_read, p.can_update, p.can_delete
        FROM roles r LEFT JOIN role_permissions p ON p.account_id = r.account_id AND p.role_id = r.id WHERE r.account_id = ?
        ORDER BY r.name_key, p.permissible_key`),
    };
  }

  async create(role: Role): Promise<void> {
    this.connection.write(() => {
      try {
        this.s.insert.run(role.id, role.accountId, role.name, role.name.toLowerCase(), role.description, role.createdAt);
      } catch (error) {
        throw uniqueOr(error, 'role name');
      }
    });
  }

  async findById(accountId: string, id: string): Promise<Role | undefined> {
    const row = this.s.byId.get(accountId, id) as Row | undefined;
    return row && toRole(row);
  }

  async findByName(accountId: string, name: string): Promise<Role | undefined> {
    const row = this.s.byName.get(accountId, name.toLowerCase()) as Row | undefined;
    return row && toRole(row);
  }

  async search(accountId: string, query: { name?: string } & PageRequest): Promise<Page<RoleWithCount>> {
    const filter = query.name === undefined || query.name === '' ? [null, null] : [1, containsPattern(query.name)];
    const rows = this.s.search.all(accountId, ...filter, query.pageSize, (query.page - 1) * query.pageSize) as Row[];
    const total = (this.s.count.get(accountId, ...filter) as { n: number }).n;
    return { results: rows.map((row) => ({ ...toRole(row), numberOfUsers: Number(row.number_of_users) })), totalRecords: total };
  }

  async update(accountId: string, id: string, change: { name: string; description: string | null }): Promise<boolean> {
    return this.connection.write(() => {
      try {
        return this.s.update.run(change.name, change.name.toLowerCase(), change.description, accountId, id).changes === 1;
      } catch (error) {
        throw uniqueOr(error, 'role name');
      }
    });
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const { db } = this.connection;
    return this.connection.write(
      db.transaction(() => {
        this.s.deleteMembers.run(accountId, id);
        this.s.deletePermissions.run(accountId, id);
        return this.s.delete.run(accountId, id).changes === 1;
      }),
    );
  }

  async createPermission(p: Permission): Promise<void> {
    this.connection.write(() => {
      try {
        this.s.insertPermission.run(p.id, p.accountId, p.roleId, p.permissibleName, p.permissibleName.toLowerCase(), +p.create, +p.read, +p.update, +p.delete, Date.now());
      } catch (error) {
        throw uniqueOr(error, 'permissible');
      }
    });
  }

  async findPermission(accountId: string, roleId: string, id: string): Promise<Permission | undefined> {
    const row = this.s.permission.get(accountId, roleId, id) as Row | undefined;
    return row && toPermission(row);
  }

  async searchPermissions(accountId: string, roleId: string, query: { permissibleName?: string } & PageRequest): Promise<Page<Permission>> {
    const filter = query.permissibleName === undefined || query.permissibleName === '' ? [null, null] : [1, containsPattern(query.permissibleName)];
    const rows = this.s.searchPermissions.all(accountId, roleId, ...filter, query.pageSize, (query.page - 1) * query.pageSize) as Row[];
    const total = (this.s.countPermissions.get(accountId, roleId, ...filter) as { n: number }).n;
    return { results: rows.map(toPermission), totalRecords: total };
  }

  async listPermissions(accountId: string, roleId: string): Promise<Permission[]> {
    return (this.s.listPermissions.all(accountId, roleId) as Row[]).map(toPermission);
  }

  async updatePermission(p: Permission): Promise<boolean> {
    return this.connection.write(() => {
      try {
        const result = this.s.updatePermission.run(p.permissibleName, p.permissibleName.toLowerCase(), +p.create, +p.read, +p.update, +p.delete, p.accountId, p.roleId, p.id);
        return result.changes === 1;
      } catch (error) {
        throw uniqueOr(error, 'permissible');
      }
    });
  }

  async deletePermission(accountId: string, roleId: string, id: string): Promise<boolean> {
    return this.connection.write(() => this.s.deletePermission.run(accountId, roleId, id).changes === 1);
  }

  async addMembers(accountId: string, roleId: string, userIds: readonly string[], at: number): Promise<number> {
    return this.connection.write(() => this.s.addMembers.run(at, roleId, accountId, JSON.stringify(userIds)).changes);
  }

  async removeMembers(accountId: string, roleId: string, userIds: readonly string[]): Promise<number> {
    return this.connection.write(() => this.s.removeMembers.run(accountId, roleId, JSON.stringify(userIds)).changes);
  }

  async accountGrants(accountId: string): Promise<Map<string, Grant[]>> {
    return grantsByRole(this.s.grants.all(accountId) as Row[]);
  }
}
