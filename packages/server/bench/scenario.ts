import type { ScenarioResult } from './measure.js';
import type { OpenMeshy, OpenMeshyClient } from './openmeshy.js';
import type { Children } from './processes.js';
import type { Settings } from './settings.js';

/** Everything a scenario runs against: the OpenMeshy child, its users, the run's settings. */
export interface Bench {
  settings: Settings;
  children: Children;
  openmeshy: OpenMeshy;
  client: OpenMeshyClient;
  fixtures: Fixtures;
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
  run(bench: Bench): Promise<ScenarioResult>;
}
