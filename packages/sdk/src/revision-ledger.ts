/**
 * Chromium's localStorage is only eventually consistent between tabs in different processes: a
 * tab granted the lock just after another tab refreshed may still read the old session for a
 * moment, and would spend the old refresh token again. IndexedDB is consistent: a commit that
 * completed before the lock was released is seen by whoever takes the lock next. So whoever
 * changes the session under the lock also records its revision here (no tokens, just a number),
 * and whoever takes the lock waits until localStorage shows that revision.
 */
export interface LedgerEntry {
  revision: number;
  /** False once the session was removed (sign-out, refused refresh). */
  present: boolean;
}

const DATABASE = 'openmeshy';
const STORE = 'session-revisions';
/** Past this, a lagging localStorage is trusted as it is (it may have been cleared by hand). */
const MAX_WAIT_MS = 2_000;

let database: Promise<IDBDatabase | undefined> | undefined;

function openDatabase(): Promise<IDBDatabase | undefined> {
  database ??= new Promise((resolve) => {
    try {
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(undefined);
      request.onblocked = () => resolve(undefined);
    } catch {
      resolve(undefined);
    }
  });
  return database;
}

function completed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export class RevisionLedger {
  /** A ledger for the page's localStorage, where the page has localStorage and IndexedDB; else undefined. */
  static forStorage(storage: unknown): RevisionLedger | undefined {
    const page = globalThis as { window?: { localStorage?: unknown }; indexedDB?: unknown };
    try {
      if (!page.window || page.indexedDB === undefined || storage !== page.window.localStorage) return undefined;
    } catch {
      return undefined;
    }
    return new RevisionLedger();
  }

  async read(key: string): Promise<LedgerEntry | undefined> {
    const db = await openDatabase();
    if (!db) return undefined;
    const transaction = db.transaction(STORE, 'readonly');
    const request = transaction.objectStore(STORE).get(key);
    await completed(transaction);
    return request.result as LedgerEntry | undefined;
  }

  async write(key: string, entry: LedgerEntry): Promise<void> {
    const db = await openDatabase();
    if (!db) return;
    const transaction = db.transaction(STORE, 'readwrite');
    transaction.objectStore(STORE).put(entry, key);
    await completed(transaction);
  }

  /** Resolves once `caughtUp()` holds, re-checking at each `storage` event for `key`, or after MAX_WAIT_MS. */
  waitForStorage(key: string, caughtUp: () => boolean): Promise<void> {
    if (caughtUp()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        removeEventListener('storage', onStorage);
        resolve();
      };
      const onStorage = (event: StorageEvent) => {
        if (event.key === key && caughtUp()) done();
      };
      const timer = setTimeout(done, MAX_WAIT_MS);
      addEventListener('storage', onStorage);
    });
  }
}
