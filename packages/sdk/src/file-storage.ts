import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StorageAdapter } from './storage.js';

/**
 * Node only: keeps sessions in a JSON file, so a CLI or service stays logged in across restarts.
 * Writes go to a temporary file renamed over the old one (never a half-written file) with mode
 * 0600, as the file holds refresh tokens. Meant for one process at a time: two processes sharing
 * the file have no lock between them.
 */
export function fileStorage(path: string): StorageAdapter {
  const load = (): Record<string, string> => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {};
    } catch {
      return {};
    }
  };
  const save = (items: Record<string, string>): void => {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(items, null, 2), { mode: 0o600 });
    renameSync(temporary, path);
  };
  // Synchronous on purpose: the files are tiny, and a synchronous storage lets
  // retrieveRefreshToken() read the newest token, as with localStorage.
  return {
    getItem: (key) => load()[key] ?? null,
    setItem: (key, value) => save({ ...load(), [key]: value }),
    removeItem: (key) => {
      const items = load();
      if (!(key in items)) return;
      delete items[key];
      save(items);
    },
  };
}
