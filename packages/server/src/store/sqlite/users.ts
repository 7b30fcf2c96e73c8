import type { Statement } from 'better-sqlite3';
import { usernameKey } from '../../lib/usernames.js';
import type { Page } from '../../modules/roles/types.js';
import type { PasswordChange, PersonalInformation, UserQuery, UserStore } from '../../modules/users/store.js';
import type { OutboxMessage } from '../../modules/outbox/types.js';
import { insertOutboxMessages } from './outbox.js';
import type { SecurityQuestion, User } from '../../modules/users/types.js';
import { toUser, userColumnsSql, type Row } from '../rows.js';
import { namePattern, nameKey, userOrderSql } from '../user-search.js';
import { uniqueOr, type SqliteConnection } from './connection.js';

const searchFilter = `u.account_id = @accountId AND (@activeOnly = 0 OR u.is_active = 1)
  AND (@pattern IS NULL OR u.username_key LIKE @pattern ESCAPE '\\' OR u.first_name_key LIKE @pattern ESCAPE '\\'
    OR u.last_name_key LIKE @pattern ESCAPE '\\')
  AND (@roleId IS NULL OR EXISTS (SELECT 1 FROM user_roles ur WHERE ur.account_id = u.account_id AND ur.user_id = u.id AND ur.role_id = @roleId))`;

export class SqliteUserStore implements UserStore {
  private readonly insert;
  private readonly byKey;
  private readonly byId;
  private readonly setActiveStatement;
  private readonly touchStatement;
  private readonly updateStatement;
  private readonly questionsStatement;
  private readonly deleteUser;
  private readonly deleteFamilies;
  private readonly countStatement;
  private readonly passwordStatement;
  private readonly revokeOthers;
  private readonly verifyStatement;
  /** One statement per order (at most a few hundred: four fields, two directions). */
  private readonly searchStatements = new Map<string, Statement>();

  constructor(private readonly connection: SqliteConnection) {
    const db = connection.db;
    this.insert = db.prepare(`INSERT INTO users (id, account_id, username, username_key, first_name, first_name_key, last_name,
      last_name_key, verified, is_active, phone_number, email_address, security_questions, anonymous, password_hash, security_stamp, created_at, last_accessed)
      VALUES (@id, @account_id, @username, @username_key, @first_name, @first_name_key, @last_name, @last_name_key, @verified, @is_active,
      @phone_number, @email_address, @security_questions, @anonymous, @password_hash, @security_stamp, @created_at, @last_accessed)`);
    this.passwordStatement = db.prepare(`UPDATE users SET password_hash = @hash, security_stamp = @stamp, verified = (verified OR @verify)
      WHERE account_id = @accountId AND id = @id AND (@expected IS NULL OR security_stamp = @expected)`);
    this.revokeOthers = db.prepare(`UPDATE refresh_families SET revoked_at = @now, revoke_reason = 'password_changed'
      WHERE account_id = @accountId AND user_id = @id AND revoked_at IS NULL AND (@keep IS NULL OR id <> @keep)`);
    this.verifyStatement = db.prepare('UPDATE users SET verified = 1, security_stamp = ? WHERE account_id = ? AND id = ? AND verified = 0 AND security_stamp = ?');
    this.byKey = db.prepare(`SELECT ${userColumnsSql('sqlite')} FROM users u WHERE u.account_id = ? AND u.username_key = ?`);
    this.byId = db.prepare(`SELECT ${userColumnsSql('sqlite')} FROM users u WHERE u.account_id = ? AND u.id = ?`);
    this.setActiveStatement = db.prepare('UPDATE users SET is_active = ? WHERE account_id = ? AND id = ?');
    this.touchStatement = db.prepare('UPDATE users SET last_accessed = ? WHERE account_id = ? AND id = ?');
    this.updateStatement = db.prepare(`UPDATE users SET first_name = ?, first_name_key = ?, last_name = ?, last_name_key = ?,
      phone_number = ?, email_address = ? WHERE account_id = ? AND id = ?`);
    this.questionsStatement = db.prepare('UPDATE users SET security_questions = ? WHERE account_id = ? AND id = ?');
    // user_roles goes with the user (ON DELETE CASCADE; the connection turns foreign keys on).
    this.deleteUser = db.prepare('DELETE FROM users WHERE account_id = ? AND id = ?');
    this.deleteFamilies = db.prepare('DELETE FROM refresh_families WHERE account_id = ? AND user_id = ?');
    this.countStatement = db.prepare(`SELECT count(*) AS n FROM users u WHERE ${searchFilter}`);
  }

  async create(user: User, messages: readonly OutboxMessage[] = []): Promise<void> {
    const { db } = this.connection;
    const insert = () => {
      try {
        this.insert.run({
          id: user.id,
          account_id: user.accountId,
          username: user.username,
          username_key: usernameKey(user.username),
          first_name: user.firstName,
          first_name_key: nameKey(user.firstName),
          last_name: user.lastName,
          last_name_key: nameKey(user.lastName),
          verified: user.verified ? 1 : 0,
          is_active: user.isActive ? 1 : 0,
          phone_number: user.phoneNumber,
          email_address: user.emailAddress,
          security_questions: JSON.stringify(user.securityQuestions),
          anonymous: user.anonymous ? 1 : 0,
          password_hash: user.passwordHash,
          security_stamp: user.securityStamp,
          created_at: user.createdAt,
          last_accessed: user.lastAccessed,
        });
      } catch (error) {
        throw uniqueOr(error, 'username');
      }
      insertOutboxMessages(db, messages);
    };
    // Alone the insert commits by itself; with messages, all of them commit together.
    this.connection.write(messages.length === 0 ? insert : db.transaction(insert));
  }

  async changePassword(accountId: string, id: string, change: PasswordChange): Promise<boolean> {
    const { db } = this.connection;
    return this.connection.write(
      db.transaction(() => {
        const changed = this.passwordStatement.run({
          hash: change.passwordHash,
          stamp: change.securityStamp,
          verify: change.markVerified ? 1 : 0,
          accountId,
          id,
          expected: change.expectedStamp ?? null,
        }).changes === 1;
        if (changed) this.revokeOthers.run({ now: change.now, accountId, id, keep: change.keepFamilyId ?? null });
        return changed;
      }),
    );
  }

  async markVerified(accountId: string, id: string, expectedStamp: string, newStamp: string): Promise<boolean> {
    return this.connection.write(() => this.verifyStatement.run(newStamp, accountId, id, expectedStamp).changes === 1);
  }

  async findByUsername(accountId: string, username: string): Promise<User | undefined> {
    const row = this.byKey.get(accountId, usernameKey(username)) as Row | undefined;
    return row && toUser(row);
  }

  async findById(accountId: string, id: string): Promise<User | undefined> {
    const row = this.connection.reads.get(this.byId, accountId, id) as Row | undefined;
    return row && toUser(row);
  }

  async search(accountId: string, query: UserQuery): Promise<Page<User>> {
    const filter = { accountId, activeOnly: query.activeOnly ? 1 : 0, pattern: namePattern(query.name), roleId: query.roleId ?? null };
    const rows = this.searchStatement(userOrderSql('sqlite', query.orderBy)).all({
      ...filter,
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    }) as Row[];
    const totalRecords = rows.length > 0 ? Number(rows[0]!.total_records) : (this.countStatement.get(filter) as { n: number }).n;
    return { results: rows.map(toUser), totalRecords };
  }

  async updatePersonalInformation(accountId: string, id: string, info: PersonalInformation): Promise<boolean> {
    return this.connection.write(
      () =>
        this.updateStatement.run(info.firstName, nameKey(info.firstName), info.lastName, nameKey(info.lastName), info.phoneNumber, info.emailAddress, accountId, id)
          .changes === 1,
    );
  }

  async setSecurityQuestions(accountId: string, id: string, questions: readonly SecurityQuestion[]): Promise<boolean> {
    return this.connection.write(() => this.questionsStatement.run(JSON.stringify(questions), accountId, id).changes === 1);
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const { db } = this.connection;
    return this.connection.write(
      db.transaction(() => {
        if (this.deleteUser.run(accountId, id).changes !== 1) return false;
        this.deleteFamilies.run(accountId, id);
        return true;
      }),
    );
  }

  async setActive(accountId: string, id: string, active: boolean): Promise<void> {
    this.connection.write(() => this.setActiveStatement.run(active ? 1 : 0, accountId, id));
  }

  async touch(accountId: string, id: string, at: number): Promise<void> {
    this.connection.write(() => this.touchStatement.run(at, accountId, id));
  }

  /**
   * The page's ids and the count of every match in one pass (count(*) OVER () is taken before
   * LIMIT), then the user columns, roles included, for the page's rows only.
   */
  private searchStatement(order: string): Statement {
    let statement = this.searchStatements.get(order);
    if (!statement) {
      statement = this.connection.db.prepare(`SELECT ${userColumnsSql('sqlite')}, p.total_records FROM (
        SELECT u.id, count(*) OVER () AS total_records, row_number() OVER (ORDER BY ${order}) AS n FROM users u WHERE ${searchFilter}
        ORDER BY n LIMIT @limit OFFSET @offset) p JOIN users u ON u.id = p.id ORDER BY p.n`);
      this.searchStatements.set(order, statement);
    }
    return statement;
  }
}
