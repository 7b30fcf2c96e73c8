import type { Store } from '../store.js';
import { PgOutboxStore } from './outbox.js';
import { PgAccountStore, PgClientStore } from './accounts.js';
import { PgConnection } from './connection.js';
import { PgRefreshFamilyStore } from './refresh-families.js';
import { PgSigningKeyStore } from './signing-keys.js';
import { PgUserStore } from './users.js';
import { PgRoleStore } from './roles.js';
import { PgMeshStore } from './meshes.js';
import { PgProjectionStore } from './projections.js';

/** The PostgreSQL store, for several OpenMeshy instances on one database: every port over one pool (connection.ts). */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly accounts: PgAccountStore;
  readonly clients: PgClientStore;
  readonly users: PgUserStore;
  readonly refreshFamilies: PgRefreshFamilyStore;
  readonly roles: PgRoleStore;
  readonly signingKeys: PgSigningKeyStore;
  readonly outbox: PgOutboxStore;
  readonly meshes: PgMeshStore;
  readonly projections: PgProjectionStore;

  private constructor(private readonly connection: PgConnection, options: { meshSearchTimeoutMs?: number }) {
    this.accounts = new PgAccountStore(connection);
    this.clients = new PgClientStore(connection);
    this.users = new PgUserStore(connection);
    this.refreshFamilies = new PgRefreshFamilyStore(connection);
    this.roles = new PgRoleStore(connection);
    this.signingKeys = new PgSigningKeyStore(connection);
    this.outbox = new PgOutboxStore(connection);
    this.meshes = new PgMeshStore(connection, { searchTimeoutMs: options.meshSearchTimeoutMs });
    this.projections = new PgProjectionStore(connection);
  }

  /** `meshSearchTimeoutMs`: how long one mesh search may run (meshes.ts, 5 s by default). */
  static async open(connectionString: string, poolSize: number, options: { meshSearchTimeoutMs?: number } = {}): Promise<PostgresStore> {
    return new PostgresStore(await PgConnection.open(connectionString, poolSize), options);
  }

  async ping(): Promise<void> {
    await this.connection.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
