import type { Store } from '../store.js';
import { SqliteOutboxStore } from './outbox.js';
import { SqliteAccountStore, SqliteClientStore } from './accounts.js';
import { SqliteConnection } from './connection.js';
import { SqliteRefreshFamilyStore } from './refresh-families.js';
import { SqliteSigningKeyStore } from './signing-keys.js';
import { SqliteUserStore } from './users.js';
import { SqliteRoleStore } from './roles.js';
import { SqliteMeshStore } from './meshes.js';
import { SqliteProjectionStore } from './projections.js';

export { SQLITE_FILE } from './connection.js';

/** The embedded store: every port over one connection (connection.ts). */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly accounts: SqliteAccountStore;
  readonly clients: SqliteClientStore;
  readonly users: SqliteUserStore;
  readonly refreshFamilies: SqliteRefreshFamilyStore;
  readonly roles: SqliteRoleStore;
  readonly signingKeys: SqliteSigningKeyStore;
  readonly outbox: SqliteOutboxStore;
  readonly meshes: SqliteMeshStore;
  readonly projections: SqliteProjectionStore;
  private readonly pingStatement;

  private constructor(private readonly connection: SqliteConnection, options: { meshReaders?: number }) {
    this.clients = new SqliteClientStore(connection);
    this.accounts = new SqliteAccountStore(connection, this.clients);
    this.users = new SqliteUserStore(connection);
    this.refreshFamilies = new SqliteRefreshFamilyStore(connection);
    this.roles = new SqliteRoleStore(connection);
    this.signingKeys = new SqliteSigningKeyStore(connection);
    this.outbox = new SqliteOutboxStore(connection);
    this.meshes = new SqliteMeshStore(connection, { readers: options.meshReaders });
    this.projections = new SqliteProjectionStore(connection);
    this.pingStatement = connection.db.prepare('SELECT 1');
  }

  /**
   * `backgroundCheckpoints`: for a server, WAL checkpoints on a thread of their own (checkpointer.ts).
   * `meshReaders`: how many reader threads run mesh searches (mesh-reader-pool.ts, 2 by default).
   */
  static open(dataDir: string, options: { backgroundCheckpoints?: boolean; meshReaders?: number } = {}): SqliteStore {
    return new SqliteStore(SqliteConnection.open(dataDir, options), options);
  }

  async ping(): Promise<void> {
    this.pingStatement.get();
  }

  async close(): Promise<void> {
    await this.meshes.closeReaders();
    return this.connection.close();
  }
}
