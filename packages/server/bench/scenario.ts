import type { ScenarioResult } from './measure.js';
import type { OpenMeshy, OpenMeshyClient } from './openmeshy.js';
import type { PostgresCluster } from './postgres-cluster.js';
import type { Children } from './processes.js';
import type { Settings } from './settings.js';

/** Everything a scenario runs against: the OpenMeshy child, its users, the run's settings. */
export interface Bench {
  settings: Settings;
  children: Children;
  /** The run's temporary folder (removed at the end): data folders of further servers go here. */
  workDir: string;
  /** The OpenMeshy child on SQLite that most scenarios measure. */
  openmeshy: OpenMeshy;
  client: OpenMeshyClient;
  fixtures: Fixtures;
  /** OpenMeshy instances on PostgreSQL and Redis, started by the first scenario that asks for them. */
  postgres(): Promise<PostgresBench>;
}

export interface PostgresBench extends PostgresCluster {
  /** Setup calls, one client per instance. */
  clients: OpenMeshyClient[];
  /** Anonymous users, one per connection (registered through the first instance). */
  anonymousUsers: string[];
}

export interface Fixtures {
  /** Anonymous users, one per connection. */
  anonymousUsers: string[];
  /** Users with a real (argon2id-hashed) password. */
  passwordUsers: Array<{ username: string; password: string }>;
  /** Size of OpenMeshy's token response, which the bare reference answers with. */
  tokenResponseBytes: number;
}

export interface Scenario {
  id: string;
  /** Names BENCH_ONLY may select the scenario by, besides its id (e.g. "meshes"). */
  groups?: string[];
  /** Scenarios whose figures this one is compared with: BENCH_ONLY selecting it runs them too. */
  comparedWith?: string[];
  /**
   * Setup that loads the machine (documents by the hundred thousand), done before the runner
   * waits for the machine to go quiet, so that the measurement does not start in its wake.
   */
  prepare?(bench: Bench): Promise<void>;
  run(bench: Bench): Promise<ScenarioResult>;
  /** false: never measured twice, even when other processes disturbed it (the soak run is long). */
  retryWhenNoisy?: boolean;
}
