import { withSessionLock } from './locks.js';
import { RevisionLedger } from './revision-ledger.js';
import { parseRecord, type SessionRecord } from './session-record.js';
import type { StorageAdapter } from './storage.js';

/**
 * The one place in a storage where a client's session lives: one key per (server, account,
 * client), so every connection, tab or run using the same storage sees the same session.
 * Reading is free; every change goes through `locked`, one at a time across tabs.
 */
export class SessionSlot {
  private readonly ledger: RevisionLedger | undefined;

  constructor(
    readonly storage: StorageAdapter,
    readonly key: string,
  ) {
    this.ledger = RevisionLedger.forStorage(storage);
  }

  async read(): Promise<SessionRecord | null> {
    return parseRecord(await this.storage.getItem(this.key));
  }

  /** The record now, if the storage answers synchronously (localStorage, memory, file); undefined if it cannot. */
  peek(): SessionRecord | null | undefined {
    const raw = this.storage.getItem(this.key);
    return typeof raw === 'string' || raw === null ? parseRecord(raw) : undefined;
  }

  /** Runs `task` holding the slot's lock (see locks.ts), with a view of the slot that is up to date. Not re-entrant. */
  locked<T>(task: (view: LockedSlot) => Promise<T>): Promise<T> {
    return withSessionLock(this.storage, `openmeshy:${this.key}`, async () => {
      const entry = await this.ledger?.read(this.key);
      if (entry) await this.ledger!.waitForStorage(this.key, () => shows(this.peek(), entry));
      const record = await this.read();
      const view: LockedSlot = {
        record,
        nextRevision: Math.max(entry?.revision ?? 0, record?.revision ?? 0) + 1,
        write: async (next) => {
          await this.storage.setItem(this.key, JSON.stringify(next));
          await this.ledger?.write(this.key, { revision: next.revision, present: true });
        },
        remove: async () => {
          await this.storage.removeItem(this.key);
          await this.ledger?.write(this.key, { revision: view.nextRevision, present: false });
        },
      };
      return task(view);
    });
  }
}

/** The slot as seen under its lock. */
export interface LockedSlot {
  /** The stored record when the lock was taken. */
  readonly record: SessionRecord | null;
  /** A revision newer than any written so far. */
  readonly nextRevision: number;
  write(record: SessionRecord): Promise<void>;
  remove(): Promise<void>;
}

/** True when what this tab reads is at least as new as the ledger says the slot is. */
function shows(record: SessionRecord | null | undefined, entry: { revision: number; present: boolean }): boolean {
  if (record === undefined) return true;
  return entry.present ? (record?.revision ?? -1) >= entry.revision : record === null || record.revision >= entry.revision;
}
