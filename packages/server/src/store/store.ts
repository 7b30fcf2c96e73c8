import type { AccountStore, ClientStore } from '../modules/accounts/store.js';
import type { RefreshFamilyStore, SigningKeyStore } from '../modules/oauth/store.js';
import type { MeshStore } from '../modules/meshes/store.js';
import type { ProjectionStore } from '../modules/projections/store.js';
import type { RoleStore } from '../modules/roles/store.js';
import type { UserStore } from '../modules/users/store.js';
import type { OutboxStore } from '../modules/outbox/store.js';

/**
 * A store is its ports, one per concern, each owned by its module and sized to it (fosite
 * composes its storage the same way). Services take only the ports they use. Every adapter
 * (SQLite, PostgreSQL) implements each port in a file of its own over one shared connection, and
 * passes the same contract suites in test/contract/.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly accounts: AccountStore;
  readonly clients: ClientStore;
  readonly users: UserStore;
  readonly refreshFamilies: RefreshFamilyStore;
  readonly roles: RoleStore;
  readonly signingKeys: SigningKeyStore;
  readonly outbox: OutboxStore;
  readonly meshes: MeshStore;
  readonly projections: ProjectionStore;
}
