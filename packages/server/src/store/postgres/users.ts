import { usernameKey } from '../../lib/usernames.js';
import type { UserStore } from '../../modules/users/store.js';
import type { User } from '../../modules/users/types.js';
import { toUser, userColumnsSql } from '../rows.js';
import type { PgConnection } from './connection.js';

const byKeySql = `SELECT ${userColumnsSql('postgres')} FROM users u WHERE u.account_id = $1 AND u.username_key = $2`;
const byIdSql = `SELECT ${userColumnsSql('postgres')} FROM users u WHERE u.account_id = $1 AND u.id = $2`;

export class PgUserStore implements UserStore {
  constructor(private readonly connection: PgConnection) {}

  async create(user: User): Promise<void> {
    await this.connection.query(
      `INSERT INTO users (id, account_id, username, username_key, first_name, last_name, verified, is_active, phone_number,
        email_address, security_questions, anonymous, password_hash, created_at, last_accessed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        user.id,
        user.accountId,
        user.username,
        usernameKey(user.username),
        user.firstName,
        user.lastName,
        user.verified,
        user.isActive,
        user.phoneNumber,
        user.emailAddress,
        JSON.stringify(user.securityQuestions),
        user.anonymous,
        user.passwordHash,
        user.createdAt,
        user.lastAccessed,
      ],
      { uniqueField: 'username' },
    );
  }

  async findByUsername(accountId: string, username: string): Promise<User | undefined> {
    const row = (await this.connection.query(byKeySql, [accountId, usernameKey(username)])).rows[0];
    return row && toUser(row);
  }

  async findById(accountId: string, id: string): Promise<User | undefined> {
    const row = (await this.connection.query(byIdSql, [accountId, id])).rows[0];
    return row && toUser(row);
  }

  async setActive(accountId: string, id: string, active: boolean): Promise<void> {
    await this.connection.query('UPDATE users SET is_active = $1 WHERE account_id = $2 AND id = $3', [active, accountId, id]);
  }

  async touch(accountId: string, id: string, at: number): Promise<void> {
    await this.connection.query('UPDATE users SET last_accessed = $1 WHERE account_id = $2 AND id = $3', [at, accountId, id]);
  }
}
