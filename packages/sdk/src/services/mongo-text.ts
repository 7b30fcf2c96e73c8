import { argumentError } from '../errors.js';

/** What a serialised value is: a mesh document (plain JSON) or a filter, orderBy or update (MongoDB shell syntax). */
export type TextKind = 'data' | 'filter' | 'orderBy' | 'update';

export interface MongoText {
  readonly text: string;
  /** The text holds a regular expression: it is MongoDB shell syntax, not JSON. */
  readonly hasRegex: boolean;
}

/**
 * A caller's value as the text the server reads. JSON.stringify alone would lose data without a
 * word: NaN and Infinity become null, and a RegExp becomes `{}` (so `{ firstName: /^Rob/ }` would
 * match documents whose firstName is an empty object). Here a number that JSON cannot hold, a
 * BigInt, or a RegExp inside a document is refused before anything is sent; in a filter a RegExp
 * becomes `RegExp("^Rob","i")`, which the server's MongoDB shell-syntax parser reads as a regular
 * expression (also inside `$in` and `$not`, where `{ $regex }` would not mean the same). Otherwise the text
 * is JSON.stringify's: `undefined`, functions and symbols are left out (as `_id: undefined` of
 * the docs' getting-started model), `toJSON` is honoured (a Date is its ISO-8601 string).
 */
export function mongoText(kind: TextKind, value: unknown): MongoText {
  const context: Context = { label: LABELS[kind], regexAllowed: kind !== 'data', hasRegex: false, parents: [] };
  const text = write(context, value, '');
  if (text === undefined) throw argumentError(`${context.label} is not a JSON value.`);
  return { text, hasRegex: context.hasRegex };
}

const LABELS: Record<TextKind, string> = { data: 'The mesh data', filter: 'The filter', orderBy: 'The orderBy', update: 'The update' };

interface Context {
  readonly label: string;
  readonly regexAllowed: boolean;
  hasRegex: boolean;
  /** The objects being written, outermost first: a cycle is refused rather than recursed into. */
  readonly parents: object[];
}

/** One value's text, or undefined for what JSON leaves out (undefined, functions, symbols). */
function write(context: Context, input: unknown, key: string): string | undefined {
  let value = input;
  if (typeof value === 'object' && value !== null && !(value instanceof RegExp) && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
      return stringLiteral(value);
    case 'boolean':
      return String(value);
    case 'number':
      if (!Number.isFinite(value)) throw argumentError(`${context.label} holds ${String(value)}, which JSON cannot hold.`);
      return JSON.stringify(value);
    case 'bigint':
      throw argumentError(`${context.label} holds a BigInt, which JSON cannot hold.`);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (object instanceof RegExp) {
    if (!context.regexAllowed) throw argumentError(`${context.label} holds a RegExp, which JSON cannot hold.`);
    context.hasRegex = true;
    return regexCall(object);
  }
  if (context.parents.includes(object)) throw argumentError(`${context.label} refers to itself.`);
  context.parents.push(object);
  let text: string;
  if (Array.isArray(object)) {
    // As JSON.stringify: an item that is not a value is null, so positions stay.
    text = `[${object.map((item, index) => write(context, item, String(index)) ?? 'null').join(',')}]`;
  } else {
    const entries: string[] = [];
    for (const name of Object.keys(object)) {
      const item = write(context, (object as Record<string, unknown>)[name], name);
      if (item !== undefined) entries.push(`${stringLiteral(name)}:${item}`);
    }
    text = `{${entries.join(',')}}`;
  }
  context.parents.pop();
  return text;
}

/**
 * JSON's string literal, with U+2028 and U+2029 escaped: JSON allows them raw, but to a
 * JavaScript tokenizer older than ES2019 (the shell-syntax parser's) they end the line.
 */
function stringLiteral(value: string): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

/**
 * `RegExp("source", "flags")`, which MongoDB's shell syntax reads as a regular expression anywhere
 * a literal `/source/flags` could stand. The call rather than the literal, because the server's
 * tokenizer reads literals by ES2015's grammar, which refuses the `s` flag (dotAll) and newer
 * pattern syntax. `g`, `y` and `d` are left out: they steer repeated exec() calls and match
 * indices, not whether a value matches.
 */
function regexCall(regex: RegExp): string {
  const flags = [...regex.flags].filter((flag) => flag !== 'g' && flag !== 'y' && flag !== 'd').join('');
  return `RegExp(${stringLiteral(regex.source)},${stringLiteral(flags)})`;
}
