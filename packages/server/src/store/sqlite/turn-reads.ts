import type Database from 'better-sqlite3';

/**
 * The hot reads of one event-loop turn share one read transaction, ended at the turn's end
 * (setImmediate). A read on its own begins and ends a transaction, and each end takes and drops
 * the database file's shared lock and the WAL's read lock: four fcntl calls, about a third of what
 * the refresh grant's read cost the event loop under load. Shared, a turn pays them once.
 *
 * What a shared read sees is the database as of the turn's first read: a commit from another
 * connection in the same turn shows from the next turn on, a fraction of a millisecond later.
 * Every write ends the shared read first (`end`), so a write still commits on its own, before
 * its caller is answered, and never joins a snapshot another connection may have moved past.
 */
export class TurnReads {
  private open = false;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
  }

  /** `statement.get(...params)` inside the turn's read transaction. */
  get(statement: Database.Statement, ...params: unknown[]): unknown {
    if (!this.open && !this.db.inTransaction) {
      this.begin.run();
      this.open = true;
      setImmediate(() => this.end());
    }
    return statement.get(...params);
  }

  /** Ends the shared read, if one is open: before every write, at the turn's end, and at close. */
  end(): void {
    if (!this.open) return;
    this.open = false;
    if (this.db.inTransaction) this.commit.run();
  }
}
