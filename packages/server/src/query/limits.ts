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
} as const;
