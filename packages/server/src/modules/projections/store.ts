import type { Projection, ProjectionChange } from './types.js';

/**
 * The projections port: the definitions, one row each, keyed by account first. Names are
 * case-insensitive (as role names are); an id or name of another account is simply not found.
 */
export interface ProjectionStore {
  /** Throws UniqueViolation('projection name') when the account has the name already, regardless of case; of concurrent creations of one name exactly one succeeds. */
  create(projection: Projection): Promise<void>;
  findByName(accountId: string, name: string): Promise<Projection | undefined>;
  /** Every definition of the account, ordered by lower-cased name. */
  list(accountId: string): Promise<Projection[]>;
  /** Replaces the definition named `name` (case-insensitively) whole; false when there is none. UniqueViolation as create on a rename to a taken name. */
  update(accountId: string, name: string, change: ProjectionChange): Promise<boolean>;
  /** False when there was none. */
  delete(accountId: string, name: string): Promise<boolean>;
}
