import type { Database } from 'better-sqlite3';
import { sqlIndexName } from '../mesh-queries.js';
import { buildMeshIndex } from './mesh-indexes.js';

/**
 * A versioned schema change: SQL text, or a function for one that depends on what the database
 * holds (run on the migrating connection, inside the migration's transaction).
 */
export type Migration = { version: number; name: string } & ({ sql: string } | { run(db: Database): void });

/**
 * Versioned schema changes, applied in order on start, each in its own transaction. Never edit a
 * released migration: add the next one.
 */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'accounts, clients, users, refresh families, signing keys',
    sql: `
      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        settings TEXT NOT NULL
      );
      CREATE TABLE clients (
        public_key TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        created_at INTEGER NOT NULL,
        settings TEXT NOT NULL
      );
      CREATE INDEX clients_account ON clients(account_id, created_at);
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        username TEXT NOT NULL,
        username_key TEXT NOT NULL,
        first_name TEXT,
        last_name TEXT,
        verified INTEGER NOT NULL,
        is_active INTEGER NOT NULL,
        phone_number TEXT,
        email_address TEXT,
        roles TEXT NOT NULL,
        security_questions TEXT NOT NULL,
        anonymous INTEGER NOT NULL,
        password_hash TEXT,
        created_at INTEGER NOT NULL,
        last_accessed INTEGER
      );
      CREATE UNIQUE INDEX users_account_username ON users(account_id, username_key);
      CREATE TABLE refresh_families (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        generation INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        rotated_at INTEGER NOT NULL,
        revoked_at INTEGER,
        revoke_reason TEXT
      );
      CREATE INDEX refresh_families_user ON refresh_families(account_id, user_id);
      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        private_key_pem TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        retired_at INTEGER
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
        created_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX roles_account_name ON roles(account_id, name_key);
      CREATE TABLE user_roles (
        account_id TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
        added_date INTEGER NOT NULL,
        PRIMARY KEY (account_id, user_id, role_id)
      );
      CREATE INDEX user_roles_role ON user_roles(account_id, role_id);
      INSERT INTO roles (id, account_id, name, name_key, description, created_at)
        SELECT lower(hex(randomblob(12))), account_id, min(name), lower(name), NULL, min(created_at)
        FROM (SELECT u.account_id, json_extract(j.value, '$.name') AS name, u.created_at FROM users u, json_each(u.roles) j)
        WHERE name IS NOT NULL GROUP BY account_id, lower(name);
      INSERT OR IGNORE INTO user_roles (account_id, user_id, role_id, added_date)
        SELECT u.account_id, u.id, r.id, coalesce(json_extract(j.value, '$.addedDate'), u.created_at)
        FROM users u, json_each(u.roles) j
        JOIN roles r ON r.account_id = u.account_id AND r.name_key = lower(json_extract(j.value, '$.name'));
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
        can_create INTEGER NOT NULL,
        can_read INTEGER NOT NULL,
        can_update INTEGER NOT NULL,
        can_delete INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX role_permissions_permissible ON role_permissions(account_id, role_id, permissible_key);
    `,
  },
  {
    version: 4,
    name: 'users: first and last names in their searched form',
    // A partial match (LIKE '%x%') reads every user of the account, so no index would serve it; the
    // keys are case-folded in JS (as username_key), since SQLite's lower() folds only ASCII. The
    // connection registers openmeshy_fold, the same function, for this backfill.
    sql: `
      ALTER TABLE users ADD COLUMN first_name_key TEXT;
      ALTER TABLE users ADD COLUMN last_name_key TEXT;
      UPDATE users SET first_name_key = openmeshy_fold(first_name), last_name_key = openmeshy_fold(last_name);
    `,
  },
  {
    version: 5,
    name: 'meshes: documents, their path-shape catalog, their indexes',
    // Keyed by account first, as on PostgreSQL. `doc` is the document's JSON text as the client's
    // write produced it (`_id` first), answered verbatim. The shape catalog only grows (bits OR).
    // A rowid table, not WITHOUT ROWID: there a count over a mesh index re-read every matching
    // row (cost growing with the table), here it walks the index alone; mesh indexes end with id
    // themselves (sqlite/meshes.ts), so ORDER BY <keys>, id is still the index's order.
    sql: `
      CREATE TABLE mesh_documents (
        account_id TEXT NOT NULL,
        mesh TEXT NOT NULL,
        id TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE UNIQUE INDEX mesh_documents_id ON mesh_documents (account_id, mesh, id);
      CREATE TABLE mesh_shapes (
        account_id TEXT NOT NULL,
        mesh TEXT NOT NULL,
        path TEXT NOT NULL,
        bits INTEGER NOT NULL,
        PRIMARY KEY (account_id, mesh, path)
      ) WITHOUT ROWID;
      CREATE TABLE mesh_indexes (
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        mesh TEXT NOT NULL,
        paths TEXT NOT NULL,
        is_unique INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
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
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        delivered_at INTEGER,
        last_error TEXT
      );
      CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_account ON outbox(account_id, created_at);
    `,
  },
  {
    version: 7,
    name: 'projections: stored aggregation pipelines',
    // Versions 5 and 6 belong to meshes and users self-service, written alongside: the runner
    // applies whatever is missing by version, so the gap is harmless.
    sql: `
      CREATE TABLE projections (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        mesh TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        description TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX projections_account_name ON projections(account_id, name_key);
    `,
  },
  {
    version: 8,
    name: 'meshes: each mesh index partial, over its own mesh',
    // Mesh indexes were built over every row of mesh_documents, so a unique one also refused
    // duplicates within other meshes (and other accounts' meshes of the same name), and every
    // write to any mesh added an entry to every index. Each is rebuilt as createIndex builds one
    // now (mesh-indexes.ts): a unique index that held before holds on fewer rows. A database
    // that lacks migration 5 (see 6) has no mesh indexes yet.
    run(db) {
      if (!db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'mesh_indexes'").get()) return;
      const indexes = db.prepare('SELECT account_id, name, mesh, paths, is_unique FROM mesh_indexes ORDER BY account_id, name').all() as {
        account_id: string;
        name: string;
        mesh: string;
        paths: string;
        is_unique: number;
      }[];
      for (const index of indexes) {
        const definition = { name: index.name, mesh: index.mesh, paths: JSON.parse(index.paths) as string[], unique: index.is_unique === 1 };
        db.exec(`DROP INDEX IF EXISTS ${sqlIndexName(index.account_id, index.name)}`);
        buildMeshIndex(db, index.account_id, definition);
      }
    },
  },
];

export function migrate(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  let count = 0;
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    // IMMEDIATE takes the write lock up front, so two processes starting at once apply it once.
    db.transaction(() => {
      const again = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (again) return;
      if ('sql' in migration) db.exec(migration.sql);
      else migration.run(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
      count++;
    }).immediate();
  }
  return count;
}
