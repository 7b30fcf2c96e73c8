import { createHash } from 'node:crypto';
import pg from 'pg';
import { usernameKey } from '../../lib/usernames.js';
import { familyWithSubjectSql, toAccount, toClient, toFamily, toFamilyWithSubject, toSigningKey, toUser } from '../rows.js';
import {
  StoreUnavailable,
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

/** Errors that mean "the database is not there right now", as opposed to a bad query. */
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  if (code && unavailableCodes.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout|Connection terminated|connect|not queryable/i.test(message) && !code;
}

/**
 * The PostgreSQL store, for several OpenMeshy instances on one database. A pool sized by
 * DATABASE_POOL_SIZE; connection and statement timeouts make an unreachable database fail fast
 * (StoreUnavailable, 503) instead of hanging, and the pool reconnects by itself when it is back.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(connectionString: string, poolSize: number): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString,
      max: poolSize,
      connectionTimeoutMillis: 2_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 5_000,
      query_timeout: 6_000,
      application_name: 'openmeshy',
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const store = new PostgresStore(pool);
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  private async query(text: string, values: unknown[] = [], rowMode?: 'array'): Promise<pg.QueryResult> {
    try {
      // Named: each pooled connection parses and plans a statement once, not on every call.
      // pg types rowMode only on the array overload; the driver takes it on any query config.
      const config = { name: statementName(text), text, values, rowMode } as pg.QueryConfig;
      return await this.pool.query(config).catch((error: unknown) => {
        // A newer instance migrated the schema under this one's prepared `SELECT *`: run it unprepared.
        if ((error as { code?: string }).code === '0A000') return this.pool.query({ ...config, name: undefined });
        throw error;
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new UniqueViolation('unique');
      if (isUnavailable(error)) throw new StoreUnavailable(error);
      throw error;
    }
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new StoreUnavailable(error);
    }
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if ((error as { code?: string }).code === '23505') throw new UniqueViolation('unique');
      if (isUnavailable(error)) throw new StoreUnavailable(error);
      throw error;
    } finally {
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async createAccount(account: Account, firstClient: Client): Promise<void> {
    try {
      await this.transaction(async (client) => {
        await client.query('INSERT INTO accounts (id, name, created_at, settings) VALUES ($1, $2, $3, $4)', [
          account.id,
          account.name,
          account.createdAt,
          JSON.stringify(account.settings),
        ]);
        await client.query('INSERT INTO clients (public_key, account_id, created_at, settings) VALUES ($1, $2, $3, $4)', [
          firstClient.publicKey,
          firstClient.accountId,
          firstClient.createdAt,
          JSON.stringify(firstClient.settings),
        ]);
      });
    } catch (error) {
      if (error instanceof UniqueViolation) throw new UniqueViolation('account name');
      throw error;
    }
  }

  async findAccountByName(name: string): Promise<Account | undefined> {
    const row = (await this.query('SELECT * FROM accounts WHERE name = $1', [name])).rows[0];
    return row && toAccount(row);
  }

  async listAccounts(): Promise<Account[]> {
    return (await this.query('SELECT * FROM accounts ORDER BY created_at, name')).rows.map(toAccount);
  }

  async updateAccountSettings(accountId: string, settings: AccountSettings): Promise<void> {
    await this.query('UPDATE accounts SET settings = $1 WHERE id = $2', [JSON.stringify(settings), accountId]);
  }

  async createClient(client: Client): Promise<void> {
    await this.query('INSERT INTO clients (public_key, account_id, created_at, settings) VALUES ($1, $2, $3, $4)', [
      client.publicKey,
      client.accountId,
      client.createdAt,
      JSON.stringify(client.settings),
    ]);
  }

  async findClient(publicKey: string): Promise<Client | undefined> {
    const row = (await this.query('SELECT * FROM clients WHERE public_key = $1', [publicKey])).rows[0];
    return row && toClient(row);
  }

  async listClients(accountId: string): Promise<Client[]> {
    return (await this.query('SELECT * FROM clients WHERE account_id = $1 ORDER BY created_at, public_key', [accountId])).rows.map(toClient);
  }

  async updateClientSettings(publicKey: string, settings: ClientSettings): Promise<void> {
    await this.query('UPDATE clients SET settings = $1 WHERE public_key = $2', [JSON.stringify(settings), publicKey]);
  }

  async createUser(user: User): Promise<void> {
    try {
      await this.query(
        `INSERT INTO users (id, account_id, username, username_key, first_name, last_name, verified, is_active, phone_number,
          email_address, roles, security_questions, anonymous, password_hash, created_at, last_accessed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
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
          JSON.stringify(user.roles),
          JSON.stringify(user.securityQuestions),
          user.anonymous,
          user.passwordHash,
          user.createdAt,
          user.lastAccessed,
        ],
      );
    } catch (error) {
      if (error instanceof UniqueViolation) throw new UniqueViolation('username');
      throw error;
    }
  }

  async findUserByUsername(accountId: string, username: string): Promise<User | undefined> {
    const row = (await this.query('SELECT * FROM users WHERE account_id = $1 AND username_key = $2', [accountId, usernameKey(username)])).rows[0];
    return row && toUser(row);
  }

  async findUserById(accountId: string, id: string): Promise<User | undefined> {
    const row = (await this.query('SELECT * FROM users WHERE account_id = $1 AND id = $2', [accountId, id])).rows[0];
    return row && toUser(row);
  }

  async setUserActive(accountId: string, id: string, active: boolean): Promise<void> {
    await this.query('UPDATE users SET is_active = $1 WHERE account_id = $2 AND id = $3', [active, accountId, id]);
  }

  async touchUser(accountId: string, id: string, at: number): Promise<void> {
    await this.query('UPDATE users SET last_accessed = $1 WHERE account_id = $2 AND id = $3', [at, accountId, id]);
  }

  async createRefreshFamily(family: RefreshFamily): Promise<void> {
    await this.query(
      `INSERT INTO refresh_families (id, account_id, client_id, user_id, scope, generation, created_at, rotated_at, revoked_at, revoke_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [family.id, family.accountId, family.clientId, family.userId, family.scope, family.generation, family.createdAt, family.rotatedAt, family.revokedAt, family.revokeReason],
    );
  }

  async findRefreshFamily(id: string): Promise<RefreshFamily | undefined> {
    const row = (await this.query('SELECT * FROM refresh_families WHERE id = $1', [id])).rows[0];
    return row && toFamily(row);
  }

  async findRefreshFamilyWithSubject(id: string): Promise<{ family: RefreshFamily; user: TokenSubject | undefined } | undefined> {
    const row = (await this.query(familyWithSubjectQuery, [id], 'array')).rows[0] as unknown[] | undefined;
    return row && toFamilyWithSubject(id, row);
  }

  async advanceRefreshFamily(id: string, fromGeneration: number, now: number): Promise<boolean> {
    // Under READ COMMITTED the row lock makes racing UPDATEs re-check the WHERE clause after the
    // winner commits, so exactly one of them matches: the conditional update is the whole rotation.
    const result = await this.query(
      'UPDATE refresh_families SET generation = generation + 1, rotated_at = $1 WHERE id = $2 AND generation = $3 AND revoked_at IS NULL',
      [now, id, fromGeneration],
    );
    return result.rowCount === 1;
  }

  async revokeRefreshFamily(id: string, reason: string, now: number): Promise<void> {
    await this.query('UPDATE refresh_families SET revoked_at = $1, revoke_reason = $2 WHERE id = $3 AND revoked_at IS NULL', [now, reason, id]);
  }

  async revokeUserRefreshFamilies(accountId: string, userId: string, reason: string, now: number): Promise<number> {
    const result = await this.query(
      'UPDATE refresh_families SET revoked_at = $1, revoke_reason = $2 WHERE account_id = $3 AND user_id = $4 AND revoked_at IS NULL',
      [now, reason, accountId, userId],
    );
    return result.rowCount ?? 0;
  }

  async listSigningKeys(): Promise<SigningKey[]> {
    return (await this.query('SELECT * FROM signing_keys ORDER BY created_at')).rows.map(toSigningKey);
  }

  async ensureSigningKey(make: () => SigningKey): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('LOCK TABLE signing_keys IN EXCLUSIVE MODE');
      const { rows } = await client.query('SELECT 1 FROM signing_keys LIMIT 1');
      if (rows.length > 0) return;
      await insertKey(client, make());
    });
  }

  async addSigningKey(key: SigningKey): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('LOCK TABLE signing_keys IN EXCLUSIVE MODE');
      await client.query('UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL', [key.createdAt]);
      await insertKey(client, key);
    });
  }
}

const familyWithSubjectQuery = familyWithSubjectSql('$1');

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `om_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}

function insertKey(client: pg.PoolClient, key: SigningKey) {
  return client.query('INSERT INTO signing_keys (kid, alg, private_key_pem, public_jwk, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, NULL)', [
    key.kid,
    key.alg,
    key.privateKeyPem,
    JSON.stringify(key.publicJwk),
    key.createdAt,
  ]);
}
