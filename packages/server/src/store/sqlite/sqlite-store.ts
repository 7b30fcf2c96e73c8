import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { usernameKey } from '../../lib/usernames.js';
import {
  UniqueViolation,
  type Account,
  type AccountSettings,
  type Client,
  type ClientSettings,
  type RefreshFamily,
  type SigningKey,
  type Store,
  type TokenSubject,
  type User,
} from '../types.js';
import { migrate } from './migrations.js';
import { AdvanceBatch, type Advance } from './advance-batch.js';
import { BackgroundCheckpointer, SERVING_AUTOCHECKPOINT_PAGES } from './checkpointer.js';
import { prepareStatements, type Statements } from './statements.js';
import { TurnReads } from './turn-reads.js';
import { toAccount, toClient, toFamily, toFamilyWithSubject, toSigningKey, toUser, type Row } from '../rows.js';

export const SQLITE_FILE = 'openmeshy.sqlite';

/**
 * The embedded store. better-sqlite3 is synchronous, so every method is one atomic step on the
 * event loop (refresh rotations are committed together at the end of the turn that asked for
 * them, and the hot reads of a turn share one read transaction: turn-reads.ts); WAL lets the CLI
 * read and write while a server runs on the same file. Every write goes through `write`, which
 * ends the turn's shared read first.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly statements: Statements;
  private readonly advances: AdvanceBatch;
  private readonly reads: TurnReads;

  private constructor(
    private readonly db: Database.Database,
    private readonly checkpointer: BackgroundCheckpointer | undefined,
  ) {
    const statements = prepareStatements(db);
    this.statements = statements;
    this.reads = new TurnReads(db);
    const commitAdvances = db.transaction((batch: Advance[]) => batch.map((a) => statements.advanceFamily.run(a.now, a.id, a.fromGeneration).changes === 1));
    this.advances = new AdvanceBatch((batch) => this.write(() => commitAdvances(batch)));
  }

  /** Every write: after the turn's shared read ends, so it commits on its own (turn-reads.ts). */
  private write<T>(work: () => T): T {
    this.reads.end();
    return work();
  }

  /** `backgroundCheckpoints`: for a server, WAL checkpoints on a thread of their own (checkpointer.ts). */
  static open(dataDir: string, options: { backgroundCheckpoints?: boolean } = {}): SqliteStore {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, SQLITE_FILE);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
    let checkpointer: BackgroundCheckpointer | undefined;
    if (options.backgroundCheckpoints) {
      db.pragma(`wal_autocheckpoint = ${SERVING_AUTOCHECKPOINT_PAGES}`);
      checkpointer = new BackgroundCheckpointer(file, (message) => process.emitWarning(`background checkpoint: ${message}`));
    }
    return new SqliteStore(db, checkpointer);
  }

  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.reads.end();
      this.advances.flush();
    }
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }

  async createAccount(account: Account, firstClient: Client): Promise<void> {
    this.write(this.db.transaction(() => {
      try {
        this.statements.insertAccount.run(account.id, account.name, account.createdAt, JSON.stringify(account.settings));
      } catch (error) {
        throw uniqueOr(error, 'account name');
      }
      this.insertClient(firstClient);
    }));
  }

  async findAccountByName(name: string): Promise<Account | undefined> {
    const row = this.statements.accountByName.get(name) as Row | undefined;
    return row && toAccount(row);
  }

  async listAccounts(): Promise<Account[]> {
    return (this.statements.listAccounts.all() as Row[]).map(toAccount);
  }

  async updateAccountSettings(accountId: string, settings: AccountSettings): Promise<void> {
    this.write(() => this.statements.updateAccountSettings.run(JSON.stringify(settings), accountId));
  }

  async createClient(client: Client): Promise<void> {
    this.write(() => this.insertClient(client));
  }

  private insertClient(client: Client): void {
    this.statements.insertClient.run(client.publicKey, client.accountId, client.createdAt, JSON.stringify(client.settings));
  }

  async findClient(publicKey: string): Promise<Client | undefined> {
    const row = this.statements.clientByKey.get(publicKey) as Row | undefined;
    return row && toClient(row);
  }

  async listClients(accountId: string): Promise<Client[]> {
    return (this.statements.listClients.all(accountId) as Row[]).map(toClient);
  }

  async updateClientSettings(publicKey: string, settings: ClientSettings): Promise<void> {
    this.write(() => this.statements.updateClientSettings.run(JSON.stringify(settings), publicKey));
  }

  async createUser(user: User): Promise<void> {
    this.write(() => this.insertUser(user));
  }

  private insertUser(user: User): void {
    try {
      this.statements.insertUser.run({
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
        roles: JSON.stringify(user.roles),
        security_questions: JSON.stringify(user.securityQuestions),
        anonymous: user.anonymous ? 1 : 0,
        password_hash: user.passwordHash,
        created_at: user.createdAt,
        last_accessed: user.lastAccessed,
      });
    } catch (error) {
      throw uniqueOr(error, 'username');
    }
  }

  async findUserByUsername(accountId: string, username: string): Promise<User | undefined> {
    const row = this.statements.userByKey.get(accountId, usernameKey(username)) as Row | undefined;
    return row && toUser(row);
  }

  async findUserById(accountId: string, id: string): Promise<User | undefined> {
    const row = this.reads.get(this.statements.userById, accountId, id) as Row | undefined;
    return row && toUser(row);
  }

  async setUserActive(accountId: string, id: string, active: boolean): Promise<void> {
    this.write(() => this.statements.setUserActive.run(active ? 1 : 0, accountId, id));
  }

  async touchUser(accountId: string, id: string, at: number): Promise<void> {
    this.write(() => this.statements.touchUser.run(at, accountId, id));
  }

  async createRefreshFamily(family: RefreshFamily): Promise<void> {
    this.write(() =>
      this.statements.insertFamily.run(
        family.id,
        family.accountId,
        family.clientId,
        family.userId,
        family.scope,
        family.generation,
        family.createdAt,
        family.rotatedAt,
        family.revokedAt,
        family.revokeReason,
      ),
    );
  }

  async findRefreshFamily(id: string): Promise<RefreshFamily | undefined> {
    const row = this.statements.familyById.get(id) as Row | undefined;
    return row && toFamily(row);
  }

  async findRefreshFamilyWithSubject(id: string): Promise<{ family: RefreshFamily; user: TokenSubject | undefined } | undefined> {
    const row = this.reads.get(this.statements.familyWithSubject, id) as unknown[] | undefined;
    return row && toFamilyWithSubject(id, row);
  }

  /** Committed with the other rotations of this event-loop turn (advance-batch.ts). */
  advanceRefreshFamily(id: string, fromGeneration: number, now: number): Promise<boolean> {
    return this.advances.advance({ id, fromGeneration, now });
  }

  async revokeRefreshFamily(id: string, reason: string, now: number): Promise<void> {
    this.write(() => this.statements.revokeFamily.run(now, reason, id));
  }

  async revokeUserRefreshFamilies(accountId: string, userId: string, reason: string, now: number): Promise<number> {
    return this.write(() => this.statements.revokeUserFamilies.run(now, reason, accountId, userId).changes);
  }

  async listSigningKeys(): Promise<SigningKey[]> {
    return (this.statements.listKeys.all() as Row[]).map(toSigningKey);
  }

  async ensureSigningKey(make: () => SigningKey): Promise<void> {
    this.write(() =>
      this.db.transaction(() => {
        if (this.statements.listKeys.all().length > 0) return;
        const key = make();
        this.statements.insertKey.run(key.kid, key.alg, key.privateKeyPem, JSON.stringify(key.publicJwk), key.createdAt);
      }).immediate(),
    );
  }

  async addSigningKey(key: SigningKey): Promise<void> {
    this.write(() =>
      this.db.transaction(() => {
        this.statements.retireKeys.run(key.createdAt);
        this.statements.insertKey.run(key.kid, key.alg, key.privateKeyPem, JSON.stringify(key.publicJwk), key.createdAt);
      }).immediate(),
    );
  }
}

function uniqueOr(error: unknown, field: string): unknown {
  if (error instanceof Error && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return new UniqueViolation(field);
  if (error instanceof Error && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return new UniqueViolation(field);
  return error;
}
