/**
 * Bounds on what a client may send as one filter, orderBy or update. They are far above what an
 * app writes by hand and low enough that parsing, compiling to SQL and evaluating stay cheap; a
 * document past any of them is refused with the document's "invalid format" error.
 */
export const QUERY_LIMITS = {
  /** Bytes of UTF-8 in a text form. */
  maxTextBytes: 64 * 1024,
  /** Nesting of objects and arrays (the document itself is depth 1). */
  maxDepth: 32,
  /** Values of any kind, objects and arrays included, counted over the whole document. */
  maxNodes: 1000,
  /** Components of one dotted path. */
  maxPathComponents: 32,
  /** Characters of one regular expression's source. */
  maxRegexLength: 4096,
  /** Keys of one orderBy. */
  maxSortKeys: 32,
  /**
   * Nulls an update may add to reach an array index past the end (`$set: {"a.5": 1}` on `[]`
   * adds five). MongoDB allows 1,500,000 under its 16 MB document limit; with no such limit here,
   * one short PATCH could grow every matched document by megabytes, or (index 1e11) crash the
   * process on an impossible array size.
   */
  maxArrayPadding: 10_000,
} as const;
