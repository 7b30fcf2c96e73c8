import type { Config } from '../config.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

/** Picks the store from the settings: SQLite in the data folder unless DATABASE_URL is set. */
export async function openStore(config: Pick<Config, 'data' | 'databaseUrl'>): Promise<Store> {
  if (config.databaseUrl) {
    throw new Error('DATABASE_URL is reserved for the PostgreSQL store, which this version does not include yet; unset it to use SQLite.');
  }
  return SqliteStore.open(config.data);
}
