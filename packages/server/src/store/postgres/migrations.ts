import type pg from 'pg';

/**
 * Versioned schema changes for PostgreSQL, applied in order on start. Several instances may start
 * at once: the whole run holds an advisory lock, so each migration is applied exactly once.
 * Never edit a released migration: add the next one.
 */
export const migrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'accounts, clients, users, refresh families, signing keys',
    sql: `
      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        settings JSONB NOT NULL
      );
      CREATE TABLE clients (
        public_key TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        created_at BIGINT NOT NULL,
        settings JSONB NOT NULL
      );
      CREATE INDEX clients_account ON clients(account_id, created_at);
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        username TEXT NOT NULL,
        username_key TEXT NOT NULL,
        first_name TEXT,
        last_name TEXT,
        verified BOOLEAN NOT NULL,
        is_active BOOLEAN NOT NULL,
        phone_number TEXT,
        email_address TEXT,
        roles JSONB NOT NULL,
        security_questions JSONB NOT NULL,
        anonymous BOOLEAN NOT NULL,
        password_hash TEXT,
        created_at BIGINT NOT NULL,
        last_accessed BIGINT
      );
      CREATE UNIQUE INDEX users_account_username ON users(account_id, username_key);
      CREATE TABLE refresh_families (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        generation INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        rotated_at BIGINT NOT NULL,
        revoked_at BIGINT,
        revoke_reason TEXT
      );
      CREATE INDEX refresh_families_user ON refresh_families(account_id, user_id);
      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        private_key_pem TEXT NOT NULL,
        public_jwk JSONB NOT NULL,
        created_at BIGINT NOT NULL,
        retired_at BIGINT
      );
    `,
  },
];

/** Arbitrary but fixed: the advisory lock every OpenMeshy instance takes to migrate. */
export const MIGRATION_LOCK = 0x6f6d6573; // "omes"

export async function migrate(client: pg.PoolClient): Promise<number> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    let count = 0;
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          Date.now(),
        ]);
        await client.query('COMMIT');
        count++;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return count;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
