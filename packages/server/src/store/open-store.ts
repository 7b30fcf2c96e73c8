import type { Config } from '../config.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/**
 * Picks the store from the settings: PostgreSQL when DATABASE_URL is set, else SQLite in the data
 * folder. `serving`: the store of a running server, which checkpoints SQLite in the background.
 */
export async function openStore(
  config: Pick<Config, 'data' | 'databaseUrl' | 'databasePoolSize'> & Partial<Pick<Config, 'meshReaders' | 'meshSearchTimeoutMs'>>,
  options: { serving?: boolean } = {},
): Promise<Store> {
  if (config.databaseUrl) return PostgresStore.open(config.databaseUrl, config.databasePoolSize, { meshSearchTimeoutMs: config.meshSearchTimeoutMs });
  return SqliteStore.open(config.data, { backgroundCheckpoints: options.serving, meshReaders: config.meshReaders });
}
