import { parse as parseShellSyntax } from '@mongodb-js/shell-bson-parser';
import { tokenizer, type Token } from 'acorn';
import { QUERY_LIMITS } from './limits.js';
import { QueryError } from './query-error.js';
import type { QueryDocumentKind } from './tree.js';

/**
 * What a client sent, read into plain data before any MongoDB meaning is given to it: JSON values,
 * objects as ordered entries (so that a key never touches a prototype and "the first key", which
 * MongoDB's grammar looks at, is explicit) and regular-expression literals.
 */
export type RawValue = null | boolean | number | string | RawValue[] | RawObject | RawRegex;
export interface RawObject {
  readonly kind: 'object';
  readonly entries: readonly (readonly [string, RawValue])[];
}
export interface RawRegex {
  readonly kind: 'regex';
  readonly source: string;
  /** The subset of "ims" the literal carried. */
  readonly flags: string;
}

export function isRawObject(value: RawValue): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'object';
}
export function isRawRegex(value: RawValue): value is RawRegex {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'regex';
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Reads a filter, orderBy or update as the routes receive it: text in MongoDB shell syntax (the
 * docs' form, e.g. `{ 'firstName': { "$regex": "^Rob" } }`), an already-parsed JSON object (the
 * SDK's form), or nothing. Nothing is `undefined`, `null`, an empty or blank text, and the texts
 * "undefined" and "null", which MeshyDB's SDK sends when the caller gave no filter.
 */
export function readInput(kind: QueryDocumentKind, input: unknown): RawValue | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input === 'string') {
    const text = input.trim();
    if (text === '' || text === 'undefined' || text === 'null') return undefined;
    return readText(kind, text);
  }
  return toRaw(kind, input, 1, { nodes: 0 });
}

function readText(kind: QueryDocumentKind, text: string): RawValue {
  if (Buffer.byteLength(text, 'utf8') > QUERY_LIMITS.maxTextBytes) {
    throw new QueryError(kind, `longer than ${QUERY_LIMITS.maxTextBytes} bytes`);
  }
  const tokens = checkTokens(kind, text);
  let value: unknown;
  try {
    // Strict mode: no comments and no method calls. It builds an AST (acorn) and evaluates only
    // literals, arrays, objects and calls of its allow-list (ObjectId, ISODate, NumberLong, ...);
    // it never runs the client's code. Functions it would keep as their source text are refused
    // by checkTokens before this.
    value = parseShellSyntax(forES6Parser(text, tokens), { mode: 'strict' });
  } catch (error) {
    throw new QueryError(kind, `not MongoDB shell syntax (${(error as Error).message})`);
  }
  if (value === '') throw new QueryError(kind, 'not MongoDB shell syntax (an expression outside the safe subset)');
  return toRaw(kind, value, 1, { nodes: 0 });
}

const ALLOWED_TOKENS = new Set(['{', '}', '[', ']', '(', ')', ',', ':', 'string', 'num', 'regexp', 'name', 'true', 'false', 'null', 'new', '+/-', 'eof']);
const OPENERS = new Set(['{', '[', '(']);
const CLOSERS = new Set(['}', ']', ')']);
const BEFORE_UNARY = new Set([':', ',', '[', '(', '+/-']);

/**
 * A token-level allow-list in front of the parser: literals, names, calls, `new`, unary signs and
 * brackets, nothing else (no `function`, `=>`, operators, templates, spreads, classes or
 * comments; no `{` after `)`, which only a function body has: getters, setters, methods), with
 * brackets balanced and nested no deeper than the limit allows, so the parser's recursion stays
 * shallow.
 *
 * Tokenized as ES2022, so that what JSON and today's shells write is read: a raw U+2028 inside a
 * string (JSON allows it, ES2019 made JS agree), regex literals with the `s` flag and named
 * groups. The syntax ES2022 added is operators and keywords, which the allow-list refuses as it
 * did in ES6, and numeric separators and BigInts, which the shell parser refuses.
 */
function checkTokens(kind: QueryDocumentKind, text: string): Token[] {
  const tokens: Token[] = [];
  try {
    for (const token of tokenizer(text, {
      ecmaVersion: 2022,
      onComment: () => {
        throw new Error('comments are not allowed');
      },
    })) {
      tokens.push(token);
    }
  } catch (error) {
    throw new QueryError(kind, `not MongoDB shell syntax (${(error as Error).message})`);
  }
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const label = token.type.label;
    const previous = tokens[i - 1]?.type.label;
    if (token.type.keyword !== undefined && !ALLOWED_TOKENS.has(label)) {
      // A reserved word is fine as an object key: `{ function: 1 }`.
      if (!isObjectKey(tokens, i)) throw new QueryError(kind, `"${label}" is not allowed`);
      continue;
    }
    if (!ALLOWED_TOKENS.has(label)) throw new QueryError(kind, `"${label}" is not allowed`);
    if (label === '+/-' && (previous === undefined || !BEFORE_UNARY.has(previous))) {
      throw new QueryError(kind, 'arithmetic is not allowed');
    }
    if (label === 'regexp' && (token as unknown as { value: { value: unknown } }).value.value == null) {
      throw new QueryError(kind, 'a regular expression this engine cannot read');
    }
    if (label === '{' && previous === ')') throw new QueryError(kind, 'a function body is not allowed');
    if (label === 'new' && tokens[i + 1]?.type.label !== 'name' && !isObjectKey(tokens, i)) {
      throw new QueryError(kind, '"new" of something other than a constructor name');
    }
    if (OPENERS.has(label)) {
      depth += 1;
      if (depth > QUERY_LIMITS.maxDepth * 2) throw new QueryError(kind, `nested deeper than ${QUERY_LIMITS.maxDepth}`);
    } else if (CLOSERS.has(label)) {
      depth -= 1;
      if (depth < 0) throw new QueryError(kind, 'unbalanced brackets');
    }
  }
  if (depth !== 0) throw new QueryError(kind, 'unbalanced brackets');
  return tokens;
}

function isObjectKey(tokens: readonly Token[], i: number): boolean {
  const previous = tokens[i - 1]?.type.label;
  return (previous === '{' || previous === ',') && tokens[i + 1]?.type.label === ':';
}

const LINE_SEPARATORS = /[\u2028\u2029]/g;

function escapeLineSeparators(text: string): string {
  return text.replace(LINE_SEPARATORS, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

/**
 * The same document in the ES6 syntax that the shell parser's own acorn reads (it fixes
 * `ecmaVersion: 6`): a raw U+2028/U+2029 in a string becomes its escape, which is the same string,
 * and a regex literal becomes the call `RegExp("source", "flags")`, which the parser allows and
 * which builds the same RegExp (ES6 refuses the `s` flag and named groups in a literal). Only
 * string and regex tokens are rewritten, at their own offsets; the rest is copied as it is.
 */
function forES6Parser(text: string, tokens: readonly Token[]): string {
  let out = '';
  let at = 0;
  for (const token of tokens) {
    const label = token.type.label;
    if (label !== 'string' && label !== 'regexp') continue;
    out += text.slice(at, token.start);
    if (label === 'string') {
      out += escapeLineSeparators(text.slice(token.start, token.end));
    } else {
      const { pattern, flags } = (token as unknown as { value: { pattern: string; flags: string } }).value;
      out += `RegExp(${escapeLineSeparators(JSON.stringify(pattern))}, ${JSON.stringify(flags)})`;
    }
    at = token.end;
  }
  return out + text.slice(at);
}

interface Counter {
  nodes: number;
}

/** Plain data from what JSON.parse or the shell parser built, within the depth and size limits. */
function toRaw(kind: QueryDocumentKind, value: unknown, depth: number, counter: Counter): RawValue {
  counter.nodes += 1;
  if (counter.nodes > QUERY_LIMITS.maxNodes) throw new QueryError(kind, `more than ${QUERY_LIMITS.maxNodes} values`);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new QueryError(kind, 'NaN and Infinity cannot be stored in JSON');
      return value;
    case 'object':
      break;
    default:
      throw new QueryError(kind, `a value of type ${typeof value}`);
  }
  if (value === null) return null;
  if (depth > QUERY_LIMITS.maxDepth) throw new QueryError(kind, `nested deeper than ${QUERY_LIMITS.maxDepth}`);
  if (Array.isArray(value)) {
    const items: RawValue[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new QueryError(kind, 'an array with holes');
      items.push(toRaw(kind, value[i], depth + 1, counter));
    }
    return items;
  }
  if (value instanceof RegExp) return regexLiteral(kind, value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new QueryError(kind, 'an invalid date');
    return value.toISOString();
  }
  const bsonType = (value as { _bsontype?: unknown })._bsontype;
  if (typeof bsonType === 'string') return bsonValue(kind, bsonType, value);
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw new QueryError(kind, 'an object that is not plain data');
  const entries: [string, RawValue][] = [];
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw new QueryError(kind, `the key "${key}"`);
    entries.push([key, toRaw(kind, (value as Record<string, unknown>)[key], depth + 1, counter)]);
  }
  return { kind: 'object', entries };
}

function regexLiteral(kind: QueryDocumentKind, value: RegExp): RawRegex {
  let flags = '';
  for (const flag of value.flags) {
    if (flag === 'i' || flag === 'm' || flag === 's') flags += flag;
    else if (flag !== 'u') throw new QueryError(kind, `the regular expression flag "${flag}"`);
  }
  return { kind: 'regex', source: value.source, flags };
}

/** The shell's constructors, as the JSON a document can hold; every other BSON type is refused. */
function bsonValue(kind: QueryDocumentKind, bsonType: string, value: object): RawValue {
  switch (bsonType) {
    case 'ObjectId':
    case 'ObjectID':
      return (value as { toHexString(): string }).toHexString();
    case 'Int32':
    case 'Double': {
      const number = (value as { value: number }).value;
      if (!Number.isFinite(number)) throw new QueryError(kind, 'NaN and Infinity cannot be stored in JSON');
      return number;
    }
    case 'Long': {
      const number = Number((value as { toString(): string }).toString());
      if (!Number.isSafeInteger(number)) throw new QueryError(kind, 'a NumberLong beyond 2^53');
      return number;
    }
    default:
      throw new QueryError(kind, `the BSON type ${bsonType}, which a JSON document cannot hold`);
  }
}
