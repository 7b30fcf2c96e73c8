/**
 * Where a session (its tokens) is kept between calls and, if the storage lasts, between runs.
 * The shape is the Web Storage API's, so `window.localStorage`, `window.sessionStorage` and
 * React Native's AsyncStorage can be passed as they are; methods may answer synchronously or
 * with a promise. Values are strings the SDK wrote (JSON); keys start with `openmeshy.`.
 */
export interface StorageAdapter {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** Kept in this process only: sessions end with it. The default in Node. */
export function memoryStorage(): StorageAdapter {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

/**
 * The page's `localStorage` (shared by the tabs of one origin), or undefined where there is none
 * or it refuses to be used (some private modes throw on write).
 */
export function browserStorage(): StorageAdapter | undefined {
  try {
    const candidate = (globalThis as { window?: { localStorage?: Storage } }).window?.localStorage;
    if (!candidate) return undefined;
    const probe = 'openmeshy.probe';
    candidate.setItem(probe, probe);
    candidate.removeItem(probe);
    return candidate;
  } catch {
    return undefined;
  }
}

/** localStorage in a browser, memory elsewhere. */
export function defaultStorage(): StorageAdapter {
  return browserStorage() ?? memoryStorage();
}
