import type { QueryDocumentKind } from './tree.js';

/**
 * Why a filter, orderBy or update was refused. `document` says which one, so that a route can
 * answer with the documented sentence ("Filter is in an invalid format. It must be in a valid
 * Mongo DB format.", "Order by is ...", "Update is ..."); `detail` says what was wrong, for the
 * log and for tests, never for the client (it may quote the input).
 *
 * Applying an update can fail too (`$inc` on a string): that is a QueryError for 'update' as well.
 */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly document: QueryDocumentKind,
    readonly detail: string,
  ) {
    super(`invalid ${document}: ${detail}`);
  }
}

/**
 * An update whose arithmetic leaves the finite doubles (`$mul` by 10 of 1e308): JSON has no
 * Infinity or NaN, and JSON.stringify would store it as `null`, losing the value without a word.
 * A QueryError for 'update' of its own class, so that a route can say what happened rather than
 * blame the update's format.
 */
export class UnstorableNumber extends QueryError {
  constructor(detail: string) {
    super('update', detail);
  }
}

/**
 * An update that would write U+0000 or an unpaired surrogate into a document (storable-text.ts):
 * no store can hold it. A QueryError for 'update' of its own class, as UnstorableNumber, so that
 * a route can say so rather than blame the update's format.
 */
export class UnstorableText extends QueryError {
  constructor(detail: string) {
    super('update', detail);
  }
}
