// The documents the mesh scenarios store, made the same way by the runner (which sends them to
// OpenMeshy) and by the raw-SQL reference (which loads them in its own process), so that both
// answer the same searches over the same data.

/** A document of a loaded set, with the fields the scenarios filter and sort on. */
export interface CorpusDocument {
  _id: string;
  /** Indexed; `matchesPerValue` documents share each value. */
  a: number;
  /** Indexed after `a`: the sort key of the searches, spread so that order is not insertion order. */
  b: number;
  /** Never indexed: what the unindexed scans filter on (0 to 999). */
  c: number;
  /** The counter the PATCH scenario increments. */
  n: number;
  name: string;
}

/** The search scenarios' shape: ~1,000 documents per value of `a`, as the issue's search figure. */
export const MATCHES_PER_VALUE = 1000;

/** How many values `a` takes in a set of `size` documents. */
export function valuesOfA(size: number): number {
  return Math.max(1, Math.round(size / MATCHES_PER_VALUE));
}

/**
 * The `_id` of document `i`: 24 hex digits, as an ObjectId. The leading zeros keep these apart
 * from ids OpenMeshy generates (their first four bytes are the current time).
 */
export function corpusId(i: number): string {
  return i.toString(16).padStart(24, '0');
}

const NAMES = ['Bob', 'Alice', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi'];

/** Document `i` of a set of `size`: the same document for every caller. */
export function corpusDocument(i: number, size: number): CorpusDocument {
  return {
    _id: corpusId(i),
    a: i % valuesOfA(size),
    // A multiplicative hash: a permutation of 0..2^31, so b is unique and unrelated to i.
    b: Number((BigInt(i) * 2654435761n) % 2147483647n),
    c: (i * 7919) % 1000,
    n: 0,
    name: `${NAMES[i % NAMES.length]} ${i}`,
  };
}

/** The small document the create scenarios send (OpenMeshy and the reference generate its id). */
export const NEW_DOCUMENT = JSON.stringify({ firstName: 'Bob', lastName: 'Bobberson', age: 42 });

/** A batch of 50 new documents, as the createMany scenarios send. */
export const BATCH_SIZE = 50;
export const NEW_BATCH = JSON.stringify(Array.from({ length: BATCH_SIZE }, (_, i) => ({ firstName: 'Bob', lastName: `Bobberson ${i}`, age: i })));
