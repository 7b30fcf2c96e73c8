import { createHash } from 'node:crypto';
import pg from 'pg';
import { StoreUnavailable, UniqueViolation } from '../errors.js';
import { migrate } from './migrations.js';

/** Errors that mean "the database is not there right now", as opposed to a bad query. */
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  if (code && unavailableCodes.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout|Connection terminated|connect|not queryable/i.test(message) && !code;
}

/** Our error types for what PostgreSQL said: a unique violation, an unreachable database, or the error as it is. */
function translate(error: unknown, uniqueField: string): unknown {
  if ((error as { code?: string }).code === '23505') return new UniqueViolation(uniqueField);
  if (isUnavailable(error)) return new StoreUnavailable(error);
  return error;
}

/**
 * The pool every port of the PostgreSQL store shares, for several OpenMeshy instances on one
 * database. Sized by DATABASE_POOL_SIZE; connection and statement timeouts make an unreachable
 * database fail fast (StoreUnavailable, 503) instead of hanging, and the pool reconnects by itself
 * when it is back. Every statement is named, so each connection parses and plans it once.
 */
export class PgConnection {
  /** What must reach the database before the pool ends (writes still waiting for their turn's statement). */
  private readonly beforeClose: (() => Promise<void>)[] = [];

  private constructor(private readonly pool: pg.Pool) {}

  static async open(connectionString: string, poolSize: number): Promise<PgConnection> {
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
    return new PgConnection(pool);
  }

  /** One statement on any pooled connection. `uniqueField` names what a unique violation is about. */
  async query(text: string, values: unknown[] = [], options: { rowMode?: 'array'; uniqueField?: string } = {}): Promise<pg.QueryResult> {
    try {
      // pg types rowMode only on the array overload; the driver takes it on any query config.
      const config = { name: statementName(text), text, values, rowMode: options.rowMode } as pg.QueryConfig;
      return await this.pool.query(config).catch((error: unknown) => {
        // A newer instance migrated the schema under this one's prepared statement: run it unprepared.
        if ((error as { code?: string }).code === '0A000') return this.pool.query({ ...config, name: undefined });
        throw error;
      });
    } catch (error) {
      throw translate(error, options.uniqueField ?? 'unique');
    }
  }

  /** `work` in one transaction on one connection: committed whole, or rolled back whole. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, uniqueField = 'unique', begin = 'BEGIN'): Promise<T> {
    return this.withClient(async (client) => {
      await client.query(begin);
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    }, uniqueField);
  }

  /**
   * `work` on one pooled connection outside any transaction (what CREATE INDEX CONCURRENTLY
   * needs); errors as `query` translates them.
   */
  async withClient<T>(work: (client: pg.PoolClient) => Promise<T>, uniqueField = 'unique'): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new StoreUnavailable(error);
    }
    try {
      return await work(client);
    } catch (error) {
      throw translate(error, uniqueField);
    } finally {
      client.release();
    }
  }

  onClose(flush: () => Promise<void>): void {
    this.beforeClose.push(flush);
  }

  async close(): Promise<void> {
    for (const flush of this.beforeClose) await flush();
    await this.pool.end();
  }
}

/** A named (prepared once per connection) statement on a client of `transaction`. */
export function namedQuery(client: pg.PoolClient, text: string, values: unknown[] = [], rowMode?: 'array'): Promise<pg.QueryResult> {
  return client.query({ name: statementName(text), text, values, rowMode } as pg.QueryConfig);
}

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `om_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}
