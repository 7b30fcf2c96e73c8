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
  {
    version: 2,
    name: 'roles and user_roles, out of the users JSON column',
    sql: `
      CREATE TABLE roles (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        description TEXT,
        created_at BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX roles_account_name ON roles(account_id, name_key);
      CREATE TABLE user_roles (
        account_id TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
        added_date BIGINT NOT NULL,
        PRIMARY KEY (account_id, user_id, role_id)
      );
      CREATE INDEX user_roles_role ON user_roles(account_id, role_id);
      INSERT INTO roles (id, account_id, name, name_key, description, created_at)
        SELECT substr(replace(gen_random_uuid()::text, '-', ''), 1, 24), account_id, min(name), lower(name), NULL, min(created_at)
        FROM (SELECT u.account_id, j->>'name' AS name, u.created_at FROM users u, jsonb_array_elements(u.roles) j) x
        WHERE name IS NOT NULL GROUP BY account_id, lower(name);
      INSERT INTO user_roles (account_id, user_id, role_id, added_date)
        SELECT u.account_id, u.id, r.id, coalesce((j->>'addedDate')::bigint, u.created_at)
        FROM users u CROSS JOIN jsonb_array_elements(u.roles) j
        JOIN roles r ON r.account_id = u.account_id AND r.name_key = lower(j->>'name')
        ON CONFLICT DO NOTHING;
      ALTER TABLE users DROP COLUMN roles;
    `,
  },
  {
    version: 3,
    name: 'role permissions',
    sql: `
      CREATE TABLE role_permissions (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
        permissible_name TEXT NOT NULL,
        permissible_key TEXT NOT NULL,
        can_create BOOLEAN NOT NULL,
        can_read BOOLEAN NOT NULL,
        can_update BOOLEAN NOT NULL,
        can_delete BOOLEAN NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX role_permissions_permissible ON role_permissions(account_id, role_id, permissible_key);
    `,
  },
  {
    version: 4,
    name: 'users: first and last names in their searched form',
    // Case-folded in JS (as username_key) from now on, so a search matches alike whatever the
    // database's locale; existing rows get the nearest SQL: NFKC (UTF-8 databases only) and lower().
    sql: `
      ALTER TABLE users ADD COLUMN first_name_key TEXT, ADD COLUMN last_name_key TEXT;
      UPDATE users SET
        first_name_key = CASE WHEN current_setting('server_encoding') = 'UTF8' THEN lower(normalize(first_name, NFKC)) ELSE lower(first_name) END,
        last_name_key = CASE WHEN current_setting('server_encoding') = 'UTF8' THEN lower(normalize(last_name, NFKC)) ELSE lower(last_name) END;
    `,
  },
  {
    version: 5,
    name: 'meshes: documents, their path-shape catalog, their indexes',
    // Keyed by account first (Citus: distribute every table by account_id, no schema change).
    // `body` is the document's JSON text as written (`_id` first), answered verbatim: jsonb's own
    // text reorders keys. `doc` is the jsonb the queries and indexes read, derived from it.
    sql: `
      CREATE TABLE mesh_documents (
        account_id TEXT NOT NULL,
        mesh TEXT NOT NULL,
        id TEXT NOT NULL,
        body TEXT NOT NULL,
        doc JSONB GENERATED ALWAYS AS (body::jsonb) STORED,
        PRIMARY KEY (account_id, mesh, id)
      );
      CREATE TABLE mesh_shapes (
        account_id TEXT NOT NULL,
        mesh TEXT NOT NULL,
        path TEXT NOT NULL,
        bits INTEGER NOT NULL,
        PRIMARY KEY (account_id, mesh, path)
      );
      CREATE TABLE mesh_indexes (
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        mesh TEXT NOT NULL,
        paths JSONB NOT NULL,
        is_unique BOOLEAN NOT NULL,
        created_at BIGINT NOT NULL,
        -- False while CREATE INDEX CONCURRENTLY builds it.
        built BOOLEAN NOT NULL DEFAULT TRUE,
        PRIMARY KEY (account_id, name)
      );
      CREATE INDEX mesh_indexes_mesh ON mesh_indexes(account_id, mesh);
    `,
  },
  // Written alongside 5 on another branch: a database may have had 6 before 5, which the runner
  // applies when it arrives (it applies whatever a database lacks); neither depends on the other.
  {
    version: 6,
    name: "users' security stamps; the outbox of e-mails and text messages",
    sql: `
      ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        subject TEXT,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        delivered_at BIGINT,
        last_error TEXT
      );
      CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_account ON outbox(account_id, created_at);
    `,
  },
  {
    version: 7,
    name: 'projections: stored aggregation pipelines',
    // The pipeline is TEXT, not JSONB: jsonb reorders keys, and a $sort's or $project's key order
    // is its meaning. Versions 5 and 6 (meshes, users self-service) are written alongside; the
    // runner applies whatever is missing by version, so the gap is harmless.
    sql: `
      CREATE TABLE projections (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        mesh TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        description TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE UNIQUE INDEX projections_account_name ON projections(account_id, name_key);
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
