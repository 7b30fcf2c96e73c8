/** Thrown by create methods when a unique name is taken. */
export class UniqueViolation extends Error {
  constructor(readonly field: string) {
    super(`${field} already exists`);
    this.name = 'UniqueViolation';
  }
}

/**
 * Thrown by a store that cannot reach its database (down, restarting, network gone). The HTTP
 * layer answers 503 and the store reconnects by itself when the database is back.
 */
export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnavailable';
  }
}
