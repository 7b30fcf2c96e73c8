import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { usernameKey } from '../../lib/usernames.js';
import { UniqueViolation } from '../errors.js';
import { BackgroundCheckpointer, SERVING_AUTOCHECKPOINT_PAGES } from './checkpointer.js';
import { migrate } from './migrations.js';
import { TurnReads } from './turn-reads.js';

export const SQLITE_FILE = 'openmeshy.sqlite';
/** Address space, not memory: pages are the OS page cache's, mapped on first touch. */
export const MMAP_BYTES = 1 << 30;

/**
 * The one SQLite connection every port of the embedded store shares. better-sqlite3 is
 * synchronous, so every port method is one atomic step on the event loop; WAL lets the CLI read
 * and write while a server runs on the same file. The hot reads of a turn share one read
 * transaction (`reads`, turn-reads.ts), and every write goes through `write`, which ends that
 * shared read first so the write commits on its own.
 */
export class SqliteConnection {
  readonly reads: TurnReads;
  /** Run at close, before the database closes: ports that batch writes commit what waits. */
  private readonly beforeClose: (() => void)[] = [];

  private constructor(
    readonly db: Database.Database,
    private readonly checkpointer: BackgroundCheckpointer | undefined,
  ) {
    this.reads = new TurnReads(db);
  }

  /** `backgroundCheckpoints`: for a server, WAL checkpoints on a thread of their own (checkpointer.ts). */
  static open(dataDir: string, options: { backgroundCheckpoints?: boolean } = {}): SqliteConnection {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, SQLITE_FILE);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // Reads through a memory map instead of a read() call per page missing from SQLite's small
    // page cache: a get by id in a mesh of 1,000,000 documents otherwise pays a few syscalls more
    // than in a small one.
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    // Case-folds as usernameKey does, for migrations that fill a searched form of existing text.
    db.function('openmeshy_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? usernameKey(text) : text));
    migrate(db);
    let checkpointer: BackgroundCheckpointer | undefined;
    if (options.backgroundCheckpoints) {
      db.pragma(`wal_autocheckpoint = ${SERVING_AUTOCHECKPOINT_PAGES}`);
      checkpointer = new BackgroundCheckpointer(file, (message) => process.emitWarning(`background checkpoint: ${message}`));
    }
    return new SqliteConnection(db, checkpointer);
  }

  /** Every write: after the turn's shared read ends, so it commits on its own (turn-reads.ts). */
  write<T>(work: () => T): T {
    this.reads.end();
    return work();
  }

  onClose(flush: () => void): void {
    this.beforeClose.push(flush);
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.reads.end();
      for (const flush of this.beforeClose) flush();
    }
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}

/** A unique or primary-key violation as our UniqueViolation(field); anything else as it is. */
export function uniqueOr(error: unknown, field: string): unknown {
  const code = (error as { code?: string }).code;
  if (error instanceof Error && (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')) return new UniqueViolation(field);
  return error;
}
