import { usernameKey } from '../../lib/usernames.js';
import type { UserStore } from '../../modules/users/store.js';
import type { User } from '../../modules/users/types.js';
import { toUser, userColumnsSql, type Row } from '../rows.js';
import { uniqueOr, type SqliteConnection } from './connection.js';

export class SqliteUserStore implements UserStore {
  private readonly insert;
  private readonly byKey;
  private readonly byId;
  private readonly setActiveStatement;
  private readonly touchStatement;

  constructor(private readonly connection: SqliteConnection) {
    const db = connection.db;
    this.insert = db.prepare(`INSERT INTO users (id, account_id, username, username_key, first_name, last_name, verified,
      is_active, phone_number, email_address, security_questions, anonymous, password_hash, created_at, last_accessed)
      VALUES (@id, @account_id, @username, @username_key, @first_name, @last_name, @verified, @is_active, @phone_number,
      @email_address, @security_questions, @anonymous, @password_hash, @created_at, @last_accessed)`);
    this.byKey = db.prepare(`SELECT ${userColumnsSql('sqlite')} FROM users u WHERE u.account_id = ? AND u.username_key = ?`);
    this.byId = db.prepare(`SELECT ${userColumnsSql('sqlite')} FROM users u WHERE u.account_id = ? AND u.id = ?`);
    this.setActiveStatement = db.prepare('UPDATE users SET is_active = ? WHERE account_id = ? AND id = ?');
    this.touchStatement = db.prepare('UPDATE users SET last_accessed = ? WHERE account_id = ? AND id = ?');
  }

  async create(user: User): Promise<void> {
    this.connection.write(() => {
      try {
        this.insert.run({
          id: user.id,
          account_id: user.accountId,
          username: user.username,
          username_key: usernameKey(user.username),
          first_name: user.firstName,
          last_name: user.lastName,
          verified: user.verified ? 1 : 0,
          is_active: user.isActive ? 1 : 0,
          phone_number: user.phoneNumber,
          email_address: user.emailAddress,
          security_questions: JSON.stringify(user.securityQuestions),
          anonymous: user.anonymous ? 1 : 0,
          password_hash: user.passwordHash,
          created_at: user.createdAt,
          last_accessed: user.lastAccessed,
        });
      } catch (error) {
        throw uniqueOr(error, 'username');
      }
    });
  }

  async findByUsername(accountId: string, username: string): Promise<User | undefined> {
    const row = this.byKey.get(accountId, usernameKey(username)) as Row | undefined;
    return row && toUser(row);
  }

  async findById(accountId: string, id: string): Promise<User | undefined> {
    const row = this.connection.reads.get(this.byId, accountId, id) as Row | undefined;
    return row && toUser(row);
  }

  async setActive(accountId: string, id: string, active: boolean): Promise<void> {
    this.connection.write(() => this.setActiveStatement.run(active ? 1 : 0, accountId, id));
  }

  async touch(accountId: string, id: string, at: number): Promise<void> {
    this.connection.write(() => this.touchStatement.run(at, accountId, id));
  }
}
