import type { StoredDocument } from '../../modules/meshes/store.js';

export interface MeshInsert {
  accountId: string;
  mesh: string;
  documents: readonly StoredDocument[];
}

/** Why one insert of a committed batch was left out (a duplicate id, say); undefined: it was committed. */
export type InsertRefusal = { error: unknown } | undefined;

type Pending = MeshInsert & { resolve(): void; reject(error: unknown): void };

/**
 * The mesh inserts asked for during one turn of the event loop, committed together in one write
 * transaction at its end (setImmediate). On its own a create's transaction costs it ~70 µs of the
 * event loop, most of it the COMMIT's WAL append; a batch shares one. Each insert still stands or
 * falls alone: it runs in a savepoint of its own, so a refused one (a duplicate `_id`) is rolled
 * back whole and only its caller hears of it, and of two in one batch with the same `_id` the
 * first wins, as if they had come one after the other. When the transaction itself fails, every
 * insert of the batch is rejected and none is stored.
 */
export class InsertBatch {
  private pending: Pending[] = [];

  /** `commitAll` runs the inserts in one transaction and says, in order, which it refused and why; it throws when the transaction failed. */
  constructor(private readonly commitAll: (inserts: readonly MeshInsert[]) => readonly InsertRefusal[]) {}

  insert(insert: MeshInsert): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ ...insert, resolve, reject });
    });
  }

  /** Commits what is waiting now (also before the store closes). */
  flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let refusals: readonly InsertRefusal[];
    try {
      refusals = this.commitAll(batch);
    } catch (error) {
      // The transaction rolled back: nothing of the batch is stored.
      for (const insert of batch) insert.reject(error);
      return;
    }
    batch.forEach((insert, i) => {
      const refusal = refusals[i];
      if (refusal) insert.reject(refusal.error);
      else insert.resolve();
    });
  }
}
