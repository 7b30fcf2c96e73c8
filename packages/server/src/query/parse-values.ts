import { isRawObject, isRawRegex, type RawRegex, type RawValue } from './input.js';
import { QUERY_LIMITS } from './limits.js';
import { QueryError } from './query-error.js';
import { canonicalOptions, compileRegex, literalPrefix, RegexError } from './regex.js';
import type { JsonObject, JsonValue, Path, QueryDocumentKind, RegexSpec } from './tree.js';

/**
 * A dotted key as path components. Empty components and `$`-prefixed ones are refused (no stored
 * document can have such a field); `allowed` names the positional components an update may use.
 */
export function parsePath(kind: QueryDocumentKind, key: string, allowed: readonly string[] = []): string[] {
  const components = key.split('.');
  if (components.length > QUERY_LIMITS.maxPathComponents) {
    throw new QueryError(kind, `a path of more than ${QUERY_LIMITS.maxPathComponents} components`);
  }
  for (const component of components) {
    if (component === '') throw new QueryError(kind, `the path "${key}" has an empty component`);
    if (component.startsWith('$') && !allowed.includes(component)) {
      throw new QueryError(kind, `the path "${key}" has the component "${component}"`);
    }
    if (component === '__proto__' || component === 'constructor' || component === 'prototype') {
      throw new QueryError(kind, `the path "${key}" has the component "${component}"`);
    }
  }
  return components;
}

/**
 * A value to compare with or to store: JSON whose keys could be stored (no `$` prefix, no `.`),
 * with no regular expression inside (MongoDB would compare it with stored BSON regexes, which a
 * JSON document cannot hold).
 */
export function literal(kind: QueryDocumentKind, raw: RawValue): JsonValue {
  if (raw === null || typeof raw !== 'object') return raw;
  if (Array.isArray(raw)) return raw.map((item) => literal(kind, item));
  if (isRawRegex(raw)) throw new QueryError(kind, 'a regular expression where a value is expected');
  const object: JsonObject = {};
  for (const [key, value] of raw.entries) {
    if (key.startsWith('$')) throw new QueryError(kind, `the operator or key "${key}" where a value is expected`);
    if (key.includes('.')) throw new QueryError(kind, `the key "${key}" in a value (a stored key cannot contain ".")`);
    object[key] = literal(kind, value);
  }
  return object;
}

/** A checked regex: valid options, and a pattern RE2 compiles with PCRE's meaning. */
export function regexSpec(kind: QueryDocumentKind, source: string, rawOptions: string): RegexSpec {
  const options = canonicalOptions(rawOptions);
  if (options === null) throw new QueryError(kind, `the regular expression options "${rawOptions}"`);
  try {
    compileRegex(source, options);
  } catch (error) {
    if (error instanceof RegexError) throw new QueryError(kind, `the regular expression /${source}/: ${error.message}`);
    throw error;
  }
  return { source, options, literalPrefix: literalPrefix(source, options) };
}

export function regexFromLiteral(kind: QueryDocumentKind, raw: RawRegex): RegexSpec {
  return regexSpec(kind, raw.source, raw.flags);
}

export function isOperatorObject(raw: RawValue): boolean {
  return isRawObject(raw) && raw.entries.length > 0 && (raw.entries[0]?.[0] ?? '').startsWith('$');
}

export function describe(raw: RawValue): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw === 'object') return raw.kind === 'regex' ? 'a regular expression' : 'an object';
  return `a ${typeof raw}`;
}

/** An integral number (2.0 counts, as in MongoDB), or null. */
export function integerOf(raw: RawValue): number | null {
  return typeof raw === 'number' && Number.isInteger(raw) ? raw : null;
}
