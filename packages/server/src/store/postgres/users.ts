import { usernameKey } from '../../lib/usernames.js';
import type { Page } from '../../modules/roles/types.js';
import type { PasswordChange, PersonalInformation, UserQuery, UserStore } from '../../modules/users/store.js';
import type { OutboxMessage } from '../../modules/outbox/types.js';
import { insertOutboxMessages } from './outbox.js';
import type { SecurityQuestion, User } from '../../modules/users/types.js';
import { toUser, userColumnsSql } from '../rows.js';
import { namePattern, nameKey, userOrderSql } from '../user-search.js';
import type { PgConnection } from './connection.js';

const byKeySql = `SELECT ${userColumnsSql('postgres')} FROM users u WHERE u.account_id = $1 AND u.username_key = $2`;
const byIdSql = `SELECT ${userColumnsSql('postgres')} FROM users u WHERE u.account_id = $1 AND u.id = $2`;
const searchFilter = `u.account_id = $1 AND (NOT $2::boolean OR u.is_active)
  AND ($3::text IS NULL OR u.username_key LIKE $3 ESCAPE '\\' OR u.first_name_key LIKE $3 ESCAPE '\\' OR u.last_name_key LIKE $3 ESCAPE '\\')
  AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM user_roles ur WHERE ur.account_id = u.account_id AND ur.user_id = u.id AND ur.role_id = $4))`;

/**
 * The page's ids and the count of every match in one pass (count(*) OVER () is taken before
 * LIMIT), then the user columns, roles included, for the page's rows only: one statement, one snapshot.
 */
const searchSql = (order: string) => `SELECT ${userColumnsSql('postgres')}, p.total_records FROM (
  SELECT u.id, count(*) OVER () AS total_records, row_number() OVER (ORDER BY ${order}) AS n FROM users u WHERE ${searchFilter}
  ORDER BY n LIMIT $5 OFFSET $6) p JOIN users u ON u.id = p.id ORDER BY p.n`;

// user_roles goes with the user (ON DELETE CASCADE); its refresh families in the same statement.
const deleteSql = `WITH gone AS (DELETE FROM users WHERE account_id = $1 AND id = $2 RETURNING id),
  families AS (DELETE FROM refresh_families f USING gone WHERE f.account_id = $1 AND f.user_id = gone.id)
  SELECT count(*) AS n FROM gone`;

export class PgUserStore implements UserStore {
  constructor(private readonly connection: PgConnection) {}

  async create(user: User, messages: readonly OutboxMessage[] = []): Promise<void> {
    const insert = `INSERT INTO users (id, account_id, username, username_key, first_name, first_name_key, last_name, last_name_key, verified,
        is_active, phone_number, email_address, security_questions, anonymous, password_hash, created_at, last_accessed, security_stamp)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`;
    const values = [
        user.id,
        user.accountId,
        user.username,
        usernameKey(user.username),
        user.firstName,
        nameKey(user.firstName),
        user.lastName,
        nameKey(user.lastName),
        user.verified,
        user.isActive,
        user.phoneNumber,
        user.emailAddress,
        JSON.stringify(user.securityQuestions),
        user.anonymous,
        user.passwordHash,
        user.createdAt,
        user.lastAccessed,
        user.securityStamp,
      ];
    if (messages.length === 0) {
      await this.connection.query(insert, values, { uniqueField: 'username' });
      return;
    }
    await this.connection.transaction(async (client) => {
      await client.query(insert, values);
      await insertOutboxMessages(client, messages);
    }, 'username');
  }

  async changePassword(accountId: string, id: string, change: PasswordChange): Promise<boolean> {
    // One statement: the user's row lock orders racing changes, and the stamp check re-runs after it.
    const { rows } = await this.connection.query(
      `WITH changed AS (UPDATE users SET password_hash = $1, security_stamp = $2, verified = (verified OR $3)
         WHERE account_id = $4 AND id = $5 AND ($6::text IS NULL OR security_stamp = $6) RETURNING id),
       revoked AS (UPDATE refresh_families f SET revoked_at = $7, revoke_reason = 'password_changed' FROM changed
         WHERE f.account_id = $4 AND f.user_id = changed.id AND f.revoked_at IS NULL AND ($8::text IS NULL OR f.id <> $8))
       SELECT count(*) AS n FROM changed`,
      [change.passwordHash, change.securityStamp, change.markVerified ?? false, accountId, id, change.expectedStamp ?? null, change.now, change.keepFamilyId ?? null],
    );
    return Number(rows[0].n) === 1;
  }

  async markVerified(accountId: string, id: string, expectedStamp: string, newStamp: string): Promise<boolean> {
    const result = await this.connection.query(
      'UPDATE users SET verified = true, security_stamp = $1 WHERE account_id = $2 AND id = $3 AND NOT verified AND security_stamp = $4',
      [newStamp, accountId, id, expectedStamp],
    );
    return result.rowCount === 1;
  }

  async findByUsername(accountId: string, username: string): Promise<User | undefined> {
    const row = (await this.connection.query(byKeySql, [accountId, usernameKey(username)])).rows[0];
    return row && toUser(row);
  }

  async findById(accountId: string, id: string): Promise<User | undefined> {
    const row = (await this.connection.query(byIdSql, [accountId, id])).rows[0];
    return row && toUser(row);
  }

  async search(accountId: string, query: UserQuery): Promise<Page<User>> {
    const filter = [accountId, query.activeOnly, namePattern(query.name), query.roleId ?? null];
    const { rows } = await this.connection.query(searchSql(userOrderSql('postgres', query.orderBy)), [...filter, query.pageSize, (query.page - 1) * query.pageSize]);
    if (rows.length > 0) return { results: rows.map(toUser), totalRecords: Number(rows[0].total_records) };
    const count = await this.connection.query(`SELECT count(*) AS n FROM users u WHERE ${searchFilter}`, filter);
    return { results: [], totalRecords: Number(count.rows[0].n) };
  }

  async updatePersonalInformation(accountId: string, id: string, info: PersonalInformation): Promise<boolean> {
    const result = await this.connection.query(
      `UPDATE users SET first_name = $1, first_name_key = $2, last_name = $3, last_name_key = $4, phone_number = $5, email_address = $6
       WHERE account_id = $7 AND id = $8`,
      [info.firstName, nameKey(info.firstName), info.lastName, nameKey(info.lastName), info.phoneNumber, info.emailAddress, accountId, id],
    );
    return result.rowCount === 1;
  }

  async setSecurityQuestions(accountId: string, id: string, questions: readonly SecurityQuestion[]): Promise<boolean> {
    const result = await this.connection.query('UPDATE users SET security_questions = $1 WHERE account_id = $2 AND id = $3', [JSON.stringify(questions), accountId, id]);
    return result.rowCount === 1;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const result = await this.connection.query(deleteSql, [accountId, id]);
    return Number(result.rows[0].n) === 1;
  }

  async setActive(accountId: string, id: string, active: boolean): Promise<void> {
    await this.connection.query('UPDATE users SET is_active = $1 WHERE account_id = $2 AND id = $3', [active, accountId, id]);
  }

  async touch(accountId: string, id: string, at: number): Promise<void> {
    await this.connection.query('UPDATE users SET last_accessed = $1 WHERE account_id = $2 AND id = $3', [at, accountId, id]);
  }
}
