import type { JsonValue, Path, RegexSpec, Test } from '../tree.js';
import type { Sql } from './fragment.js';
import type { Pair } from './pair.js';
import { SHAPE } from './shapes.js';

/**
 * What the filter compiler asks of a dialect: how to reach a value, its array elements, and how
 * to test one value (without traversal, which the compiler adds). `Ref` is the dialect's handle on
 * a value: SQLite's `json_type` and `json_extract` pair, PostgreSQL's jsonb expression.
 */
export interface ValueDialect<Ref> {
  /** The document column, as a root that paths start from. */
  readonly document: Sql;
  /**
   * The value at `path` under `root` (undefined when the path cannot be expressed, so the
   * compiler leaves it to the evaluator). `indexedPath` is set when the root is the document and
   * an index exists on the path: the value must then be spelt as the index's expression.
   */
  at(root: Sql, path: Path, atDocument: boolean, indexedPath: string | undefined): Ref | undefined;
  /** Whether some element of `ref` (false unless it is an array) satisfies `condition` on `element(alias)`. */
  someElement(ref: Ref, alias: string, condition: Sql): Sql;
  element(alias: string): Ref;
  /** An element as a root for paths (`$elemMatch` of a document): NULL unless an object. */
  elementAsRoot(element: Ref): Sql;
  isArray(ref: Ref): Sql;
  isObject(ref: Ref): Sql;
  /** One value against one test; `held` is what the value may be (SHAPE bits, ANY when unknown). */
  test(test: ValueTest, ref: Ref, held: number): Pair;
  /** ORDER BY terms for a path that held no arrays or objects, or undefined if SQL cannot order it. */
  sortTerms(ref: Ref, held: number, direction: 1 | -1): Sql[] | undefined;
}

export type ValueTest = Exclude<Test, { op: 'elemMatch' }>;

/** Every kind of value: what an array element, which the catalog does not describe, may be. */
export const ANY = 0xff;

export type ScalarClass = 'null' | 'bool' | 'number' | 'string' | 'object' | 'array';

export function classOf(value: JsonValue): ScalarClass {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

/**
 * Whether a value that held `held` needs a type check beside a comparison with a `kind` operand:
 * not when it only ever held that kind or null (null and missing are SQL NULL, which compares
 * as nothing), so that an index on the bare expression answers alone.
 */
export function needsTypeGuard(held: number, kind: 'number' | 'string'): boolean {
  return (held & ~(SHAPE.null | SHAPE[kind])) !== 0;
}

/** Which booleans satisfy `op operand` (false < true). */
export function booleansPassing(op: 'gt' | 'gte' | 'lt' | 'lte', operand: boolean): boolean[] {
  return [false, true].filter((b) => {
    const c = b === operand ? 0 : b ? 1 : -1;
    return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
  });
}

/** Whether equality of jsonb (which forgets key order) is MongoDB's for this operand: no object of two keys or more. */
export function keyOrderFree(value: JsonValue): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(keyOrderFree);
  const keys = Object.keys(value);
  return keys.length <= 1 && keys.every((key) => keyOrderFree(value[key] as JsonValue));
}

/**
 * The strings a regex can match, as a code-point range [low, high) from its literal prefix
 * (high undefined: no upper bound), and whether the range is the whole regex (`^abc`, nothing
 * else), so that the evaluator need not re-check.
 */
export function regexRange(regex: RegexSpec): { low: string; high: string | undefined; exact: boolean } | undefined {
  const prefix = regex.literalPrefix;
  if (prefix === '') return undefined;
  const exact = regex.source === `^${prefix}` || regex.source === `\\A${prefix}`;
  return { low: prefix, high: successor(prefix), exact };
}

const LITERAL_TEXT = /^[A-Za-z0-9 _\-'"!@%&=,;<>~`/\u0080-\uffff]*$/;

/**
 * What a regex with no operators asks of a string, as SQL can test it: `contains` when the
 * pattern is plain text (`/abc/`: the string contains it), `any` when it is empty or `^`
 * (every string). Case-insensitive and extended patterns are the evaluator's.
 */
export function regexLiteral(regex: RegexSpec): { kind: 'any' } | { kind: 'contains'; text: string } | undefined {
  if (regex.options.includes('i') || regex.options.includes('x')) return undefined;
  if (regex.source === '' || regex.source === '^' || regex.source === '\\A') return { kind: 'any' };
  return LITERAL_TEXT.test(regex.source) ? { kind: 'contains', text: regex.source } : undefined;
}

/** The least string above every string that starts with `prefix`, in code-point order. */
function successor(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = (points.pop() as string).codePointAt(0) as number;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

export const INT32_MIN = '-2147483648';
export const INT32_END = '2147483648';
export const INT64_MIN = '-9223372036854775808';
export const INT64_END = '9223372036854775808';
