/**
 * The checked tree of a MongoDB filter, sort or update: what `parse.ts` produces, what
 * `evaluate.ts` runs and what the SQL compiler translates. Every node is plain data (no classes,
 * no functions), frozen by nobody, and never shared with the caller's input.
 *
 * Values. Documents are JSON, so every literal in a tree is a `JsonValue`: the shell's
 * `ObjectId("...")` is its 24-hex string (lower case), `ISODate("...")` and `new Date(...)` are
 * the ISO-8601 string `Date.prototype.toISOString()` writes (UTC, milliseconds, `Z`), `NumberInt`,
 * `NumberLong` (within 2^53) and `Double` are numbers. Nothing else from BSON exists here.
 * Objects keep their key order, and key order matters (MongoDB compares objects field by field).
 * A literal object never has a key that starts with `$`, contains `.` or is `__proto__`,
 * `constructor` or `prototype`: such a key cannot be stored, so the parser refuses it.
 *
 * Paths. A `Path` is the dotted key split at dots (`"a.b.0"` is `['a', 'b', '0']`); components are
 * non-empty and never start with `$` in filters and sorts. A component made of digits names both an
 * array index and an object key, as in MongoDB.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type Path = readonly string[];

/** Which of the three documents a request carried; every parse error names one. */
export type QueryDocumentKind = 'filter' | 'orderBy' | 'update';

// ---------------------------------------------------------------------------------------------
// Filters

/**
 * A filter. `and` with no filters matches every document; `or` with no filters matches none (the
 * parser makes one for `$all: []`). `not` is how `$ne`, `$nin`, `$not` and `$exists: false`
 * arrive: it negates its whole child, array traversal included (`{a: {$ne: 5}}` refuses `[5, 6]`).
 */
export type Filter = AndFilter | OrFilter | NorFilter | NotFilter | FieldFilter;

export interface AndFilter {
  readonly kind: 'and';
  readonly filters: readonly Filter[];
}
export interface OrFilter {
  readonly kind: 'or';
  readonly filters: readonly Filter[];
}
export interface NorFilter {
  readonly kind: 'nor';
  readonly filters: readonly Filter[];
}
export interface NotFilter {
  readonly kind: 'not';
  readonly filter: Filter;
}

/**
 * A test of the values found at `path`, with MongoDB's traversal (evaluate.ts `valuesAtPath`):
 * - each object on the way is entered by key; an array on the way is entered element by element
 *   (objects only; a scalar element has no fields), and a digit component also indexes it;
 * - at the end of the path, an array yields each of its elements and then itself (so `{a: 5}`
 *   matches `[5, 6]` and `{a: [5, 6]}` matches `[5, 6]` and `[[5, 6]]`), except for the tests
 *   `size` and `elemMatch`, which see only the array itself;
 * - a path that leads nowhere yields one *missing* value, which `eq null`, `gte null`, `lte null`
 *   and `in [.., null, ..]` accept and every other test refuses. A path that reaches an array and
 *   continues past elements without that field yields nothing for those elements, but an object
 *   element without the field yields *missing* (`{'a.b': null}` matches `{a: [{c: 1}]}`, not
 *   `{a: [1]}`).
 * The filter matches when any yielded value passes the test.
 *
 * `path: []` appears only inside `elemMatch` with `form: 'value'` (where it is the array element
 * itself, tested as one value, without traversal) and in `$pull` conditions (see PullCondition).
 */
export interface FieldFilter {
  readonly kind: 'field';
  readonly path: Path;
  readonly test: Test;
}

/**
 * One value's test. Comparisons bracket by type: a value compares only with values of its own
 * type class (numbers with numbers, strings with strings, ...), in the order of `compareValues`
 * (evaluate.ts): numbers by value (1 equals 1.0), strings by Unicode code point, objects field by
 * field (type, then key, then value), arrays element by element, `false < true`. Across classes
 * nothing matches, except that *missing* counts as `null` for `eq`, `gte` and `lte`.
 */
export type Test =
  | EqTest
  | CompareTest
  | InTest
  | RegexTest
  | ExistsTest
  | TypeTest
  | ModTest
  | SizeTest
  | ElemMatchTest;

/** `$eq` and implicit equality. `value: null` also accepts *missing*. */
export interface EqTest {
  readonly op: 'eq';
  readonly value: JsonValue;
}
export interface CompareTest {
  readonly op: 'gt' | 'gte' | 'lt' | 'lte';
  readonly value: JsonValue;
}
/** `$in`: equal to one of `values` (a `null` among them also accepts *missing*) or a string matching one of `regexes`. */
export interface InTest {
  readonly op: 'in';
  readonly values: readonly JsonValue[];
  readonly regexes: readonly RegexSpec[];
}
/** Only strings can match a regular expression. */
export interface RegexTest {
  readonly op: 'regex';
  readonly regex: RegexSpec;
}
/** The value is present (any type, null included). `$exists: false` is `not` of this. */
export interface ExistsTest {
  readonly op: 'exists';
}
/**
 * `$type`, by the JSON kinds a document can hold. `int`, `long` and `double` split numbers as a
 * BSON encoder of the JSON text would: an integral value within [-2^31, 2^31) is `int`, another
 * integral value within [-2^63, 2^63) is `long`, any other number is `double`; `number` is all of
 * them. `array` matches an array itself (and, by traversal, an array inside an array).
 */
export interface TypeTest {
  readonly op: 'type';
  readonly types: readonly JsonTypeName[];
}
export type JsonTypeName = 'null' | 'bool' | 'string' | 'object' | 'array' | 'number' | 'int' | 'long' | 'double';

/**
 * `$mod: [divisor, remainder]`: a number, truncated toward zero, whose remainder by `divisor` (the
 * sign of the dividend, as C's `%`) is `remainder`. Both are integers within the 64-bit range, so
 * they are decimal strings of `bigint`s here; `divisor` is never 0. A value whose truncation falls
 * outside the 64-bit range never matches.
 */
export interface ModTest {
  readonly op: 'mod';
  readonly divisor: string;
  readonly remainder: string;
}
/** An array of exactly `size` elements (a non-negative integer). */
export interface SizeTest {
  readonly op: 'size';
  readonly size: number;
}
/**
 * An array with at least one element that passes `element`:
 * - `form: 'document'`: `element` is a filter run on each element that is an object (an array
 *   element is seen as an object keyed "0", "1", ...); other elements never pass.
 * - `form: 'value'`: `element` is a filter whose field filters all have `path: []` and test the
 *   element itself, as one value, without traversing it (`{$elemMatch: {$gt: 5}}` refuses `[[6]]`).
 * MongoDB picks the form by the first key of the `$elemMatch` object: an operator other than
 * `$and`, `$or`, `$nor` makes it 'value'.
 */
export interface ElemMatchTest {
  readonly op: 'elemMatch';
  readonly form: 'document' | 'value';
  readonly element: Filter;
}

/**
 * A regular expression: `source` as the client wrote it (PCRE syntax, as MongoDB reads it),
 * `options` a subset of "imsx" in that order. It runs on RE2 (linear time) through `regex.ts`,
 * which translates PCRE's meaning where they differ and refuses what RE2 cannot do
 * (backreferences, lookaround, atomic groups, possessive quantifiers, inline `m`/`x` flags).
 * `literalPrefix` is the text every match must start with when the pattern begins with `^`
 * (without the `m` option) or `\A` followed by plain characters, and the rest cannot change it
 * (no `i`, no alternation at the top): a range an index can seek, for the SQL compiler. Empty
 * when there is none.
 */
export interface RegexSpec {
  readonly source: string;
  readonly options: string;
  readonly literalPrefix: string;
}

// ---------------------------------------------------------------------------------------------
// Sorts

/**
 * An `orderBy`: the keys in the order given. Documents compare key by key; a document's key for a
 * path is the least (ascending) or greatest (descending) of the values at that path, where an
 * array contributes its elements, an empty array is below everything (even null), and a missing
 * value counts as null. Ties end with `_id` ascending, always (evaluate.ts `compareForSort`).
 */
export type Sort = readonly SortKey[];
export interface SortKey {
  readonly path: Path;
  readonly direction: 1 | -1;
}

// ---------------------------------------------------------------------------------------------
// Updates

/**
 * An update: operations applied in the order of their paths (component by component, by code
 * point), as MongoDB 5+ does, which decides where new fields land. No two operations touch paths
 * that overlap (one a prefix of the other): the parser refuses that, as MongoDB does, and refuses
 * any path that starts with `_id`.
 *
 * Paths may contain, once each, the positional components `$` (the array element the filter
 * matched, by the same rule as MongoDB's: the element of the last array that a top-level `and`
 * clause matched through) and `$[]` (every element). `$[name]` (array filters) is not supported.
 */
export interface Update {
  readonly operations: readonly UpdateOperation[];
}

export type UpdateOperation =
  | { readonly op: 'set'; readonly path: Path; readonly value: JsonValue }
  | { readonly op: 'unset'; readonly path: Path }
  | { readonly op: 'inc' | 'mul'; readonly path: Path; readonly by: number }
  | { readonly op: 'min' | 'max'; readonly path: Path; readonly value: JsonValue }
  | { readonly op: 'rename'; readonly path: Path; readonly to: Path }
  | PushOperation
  | { readonly op: 'addToSet'; readonly path: Path; readonly each: readonly JsonValue[] }
  | { readonly op: 'pop'; readonly path: Path; readonly end: 'first' | 'last' }
  | { readonly op: 'pull'; readonly path: Path; readonly condition: PullCondition }
  | { readonly op: 'pullAll'; readonly path: Path; readonly values: readonly JsonValue[] }
  /** `$currentDate`: the time of the update as an ISO-8601 string (see Values above). */
  | { readonly op: 'currentDate'; readonly path: Path };

/** `$push` with its modifiers, applied in MongoDB's order: insert at `position`, then sort, then slice. */
export interface PushOperation {
  readonly op: 'push';
  readonly path: Path;
  readonly each: readonly JsonValue[];
  /** Where to insert; negative counts from the end; absent appends. */
  readonly position?: number;
  /** Keep the first `slice` elements (negative: the last), after sorting. */
  readonly slice?: number;
  /** Sort the whole array: by value (`direction`) or by fields of object elements (`keys`). */
  readonly sort?: { readonly direction: 1 | -1 } | { readonly keys: Sort };
}

/**
 * Which elements `$pull` removes, by MongoDB's three cases:
 * - `document`: `{$pull: {a: {b: 1}}}` — object elements that match `filter` as a document;
 * - `value`: `{$pull: {a: {$gt: 5}}}` or a regex — elements that match `filter`, whose field
 *   filters have `path: []`, meaning the element with leaf-array traversal (an element `[6]`
 *   passes `$gt: 5`);
 * - `equals`: any other value — elements equal to it.
 */
export type PullCondition =
  | { readonly kind: 'document'; readonly filter: Filter }
  | { readonly kind: 'value'; readonly filter: Filter }
  | { readonly kind: 'equals'; readonly value: JsonValue };

/** The components that name array elements by position in update paths. */
export const POSITIONAL_MATCHED = '$';
export const POSITIONAL_ALL = '$[]';
