import type { StoredDocument } from '../../modules/meshes/store.js';

/** One call of MeshStore.insert: documents for one mesh, all of them or none. */
export interface InsertRequest {
  readonly accountId: string;
  readonly mesh: string;
  readonly documents: readonly StoredDocument[];
}

/** Commits a group of requests and says how each ended, in order; never rejects for one request. */
export type CommitGroup<R extends InsertRequest> = (requests: readonly R[]) => Promise<PromiseSettledResult<void>[]>;

interface Waiting<R> {
  readonly request: R;
  readonly keys: readonly string[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The mesh inserts asked for during one turn of the event loop, committed as one group at the
 * turn's end (setImmediate), as turn-batch.ts does for SQLite's rotations and creates: under load a
 * PostgreSQL commit (its round trip and WAL flush) serves many creates instead of one. Each
 * caller's promise settles when its group's commit has, with its own outcome.
 *
 * A request naming a document that an earlier request of the same turn names too waits for that
 * request's group to settle and joins a later group, so that the two reach the database one after
 * the other: the first wins and the second is refused, or the second goes in when the first
 * failed for another reason, exactly as if they had not been grouped. A group's documents are
 * therefore distinct, which lets its statement say which of them went in by their keys.
 */
export class InsertBatch<R extends InsertRequest> {
  private waiting: Waiting<R>[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly commitGroup: CommitGroup<R>) {}

  insert(request: R): Promise<void> {
    return new Promise((resolve, reject) => {
      this.enqueue({ request, keys: request.documents.map((document) => documentKey(request, document.id)), resolve, reject });
    });
  }

  /** Commits what is waiting and resolves when every group (later ones included) has settled: the pool may end then. */
  async drain(): Promise<void> {
    while (this.waiting.length > 0 || this.running.size > 0) {
      this.flush();
      await Promise.allSettled([...this.running]);
    }
  }

  private enqueue(waiting: Waiting<R>): void {
    if (this.waiting.length === 0) setImmediate(() => this.flush());
    this.waiting.push(waiting);
  }

  private flush(): void {
    if (this.waiting.length === 0) return;
    const taken = new Set<string>();
    const group: Waiting<R>[] = [];
    const later: Waiting<R>[] = [];
    for (const waiting of this.waiting) {
      if (waiting.keys.some((key) => taken.has(key))) {
        later.push(waiting);
        continue;
      }
      for (const key of waiting.keys) taken.add(key);
      group.push(waiting);
    }
    this.waiting = [];
    const run = this.commit(group).then(() => {
      for (const waiting of later) this.enqueue(waiting);
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async commit(group: readonly Waiting<R>[]): Promise<void> {
    let outcomes: PromiseSettledResult<void>[];
    try {
      outcomes = await this.commitGroup(group.map((waiting) => waiting.request));
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
      return;
    }
    group.forEach((waiting, i) => {
      const outcome = outcomes[i]!;
      if (outcome.status === 'fulfilled') waiting.resolve();
      else waiting.reject(outcome.reason);
    });
  }
}

/** A document's primary key, (account, mesh, id), as one string. */
export function documentKey(request: { readonly accountId: string; readonly mesh: string }, id: string): string {
  return `${request.accountId}\u0000${request.mesh}\u0000${id}`;
}
