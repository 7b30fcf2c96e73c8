import { RE2JS } from 're2js';
import { QUERY_LIMITS } from './limits.js';
import type { RegexSpec } from './tree.js';

/**
 * MongoDB's regular expressions (PCRE) on RE2, which matches in time linear in the input whatever
 * the pattern. PCRE and RE2 share most syntax; where the same text means different things this
 * translation gives PCRE's meaning, and what RE2 cannot do at all is refused:
 * - `$` without the `m` option matches at the end or before a final newline in PCRE, only at the
 *   end in RE2: it becomes `(?:\n?\z)`, and `\Z` likewise;
 * - `\s` includes the vertical tab in PCRE, not in RE2: it becomes the explicit class; `\S`
 *   inside a class has no RE2 form and is refused;
 * - the `x` option (RE2 has none) is done here: whitespace and `#` comments outside classes go;
 * - backreferences, lookaround, atomic groups, possessive quantifiers, `\K`, `\R`, `\h`, `\v`,
 *   `\G`, `\C`, `\X`, `(?#...)` and inline `m`/`x` flags are refused (RE2 refuses most itself).
 * Known remaining difference: with `m`, RE2's `^` also matches after a newline that ends the text.
 */
export class RegexError extends Error {}

const PCRE_WHITESPACE = '\\t\\n\\x0B\\f\\r ';
const UNSUPPORTED_ESCAPES = new Set(['K', 'R', 'h', 'H', 'v', 'V', 'G', 'C', 'X', 'N', 'g', 'k', 'c', 'e', 'E']);
const X_WHITESPACE = new Set([' ', '\t', '\n', '\x0B', '\f', '\r']);

/** The RE2 pattern with PCRE's meaning, or a RegexError saying why there is none. */
export function translatePattern(source: string, options: string): string {
  if (source.length > QUERY_LIMITS.maxRegexLength) throw new RegexError(`longer than ${QUERY_LIMITS.maxRegexLength} characters`);
  if (source.includes('\0')) throw new RegexError('a NUL character');
  const multiline = options.includes('m');
  const extended = options.includes('x');
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\\') {
      const [text, next] = translateEscape(source, i, false);
      out += text;
      i = next;
    } else if (c === '[') {
      const [text, next] = translateClass(source, i);
      out += text;
      i = next;
    } else if (c === '$' && !multiline) {
      out += '(?:\\n?\\z)';
      i += 1;
    } else if (c === '(' && source[i + 1] === '?') {
      out += checkGroup(source, i);
      i += 2;
    } else if (extended && X_WHITESPACE.has(c)) {
      i += 1;
    } else if (extended && c === '#') {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if ((c === '+' || c === '?') && isQuantifierEnd(source, i)) {
      // After a quantifier, PCRE reads `+` as possessive; `?` (lazy) is the same in RE2.
      if (c === '+') throw new RegexError('possessive quantifiers');
      out += c;
      i += 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

function isQuantifierEnd(source: string, i: number): boolean {
  const previous = source[i - 1];
  if (previous !== '*' && previous !== '+' && previous !== '?' && previous !== '}') return false;
  return source[i - 2] !== '\\';
}

/** `(?` constructs: non-capturing and named groups and the flags RE2 shares; nothing else. */
function checkGroup(source: string, i: number): string {
  const rest = source.slice(i + 2, i + 4);
  if (rest.startsWith(':') || rest.startsWith('P<') || /^<[A-Za-z_]/.test(rest)) return '(?';
  const flags = /^[A-Za-z-]*[:)]/.exec(source.slice(i + 2));
  if (flags !== null && /^[isU-]*[:)]$/.test(flags[0])) return '(?';
  throw new RegexError(`the group "(?${rest}" (lookaround, atomic groups, comments and inline m/x flags have no RE2 form)`);
}

function translateEscape(source: string, i: number, inClass: boolean): [string, number] {
  const next = source[i + 1];
  if (next === undefined) throw new RegexError('a trailing backslash');
  if (next === 'Q') {
    const end = source.indexOf('\\E', i + 2);
    const literal = end === -1 ? source.slice(i + 2) : source.slice(i + 2, end);
    return [`\\Q${literal}\\E`, end === -1 ? source.length : end + 2];
  }
  if (/[1-9]/.test(next)) throw new RegexError('backreferences');
  if (UNSUPPORTED_ESCAPES.has(next)) throw new RegexError(`the escape \\${next}`);
  if (next === 's') return [inClass ? PCRE_WHITESPACE : `[${PCRE_WHITESPACE}]`, i + 2];
  if (next === 'S') {
    if (inClass) throw new RegexError('\\S inside a character class');
    return [`[^${PCRE_WHITESPACE}]`, i + 2];
  }
  if (next === 'Z' && !inClass) return ['(?:\\n?\\z)', i + 2];
  if (next === ' ') return ['\\x20', i + 2];
  return [`\\${next}`, i + 2];
}

/** A character class, copied with `\s` expanded; `]` right after `[` or `[^` is a literal, as in both engines. */
function translateClass(source: string, start: number): [string, number] {
  let out = '[';
  let i = start + 1;
  if (source[i] === '^') {
    out += '^';
    i += 1;
  }
  if (source[i] === ']') {
    out += ']';
    i += 1;
  }
  while (i < source.length) {
    const c = source[i] as string;
    if (c === ']') return [out + ']', i + 1];
    if (c === '\\') {
      const [text, next] = translateEscape(source, i, true);
      out += text;
      i = next;
    } else if (c === '[' && source[i + 1] === ':') {
      const end = source.indexOf(':]', i + 2);
      if (end === -1) throw new RegexError('an unterminated POSIX class');
      out += source.slice(i, end + 2);
      i = end + 2;
    } else {
      out += c;
      i += 1;
    }
  }
  throw new RegexError('an unterminated character class');
}

function flagsOf(options: string): number {
  let flags = 0;
  if (options.includes('i')) flags |= RE2JS.CASE_INSENSITIVE;
  if (options.includes('m')) flags |= RE2JS.MULTILINE;
  if (options.includes('s')) flags |= RE2JS.DOTALL;
  return flags;
}

/** Compiles once, or throws a RegexError: the parser calls this so that a bad pattern is a 400, not a failure later. */
export function compileRegex(source: string, options: string): RE2JS {
  const pattern = translatePattern(source, options);
  try {
    return RE2JS.compile(pattern, flagsOf(options));
  } catch (error) {
    throw new RegexError((error as Error).message);
  }
}

const compiled = new Map<string, RE2JS>();
const MAX_CACHED = 500;

/** Whether `text` contains a match of the regex (MongoDB's regexes are unanchored searches). */
export function regexMatches(regex: RegexSpec, text: string): boolean {
  const key = `${regex.options}/${regex.source}`;
  let pattern = compiled.get(key);
  if (pattern === undefined) {
    pattern = compileRegex(regex.source, regex.options);
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(key, pattern);
  }
  return pattern.test(text);
}

/** Options in MongoDB's canonical order, from any arrangement of "imsx"; null if another letter or a repeat appears. */
export function canonicalOptions(options: string): string | null {
  let out = '';
  for (const flag of 'imsx') if (options.includes(flag)) out += flag;
  return out.length === options.length && [...options].every((flag) => 'imsx'.includes(flag)) ? out : null;
}

/**
 * The text every match starts with, for an index range: the plain characters after a leading
 * `^` (not under `m`) or `\A`, when the pattern has no top-level alternation and no `i`/`x`
 * option. A character followed by a quantifier that allows zero of it (`?`, `*`, `{0`) is not
 * part of the prefix, nor is any after it.
 */
export function literalPrefix(source: string, options: string): string {
  if (options.includes('i') || options.includes('x')) return '';
  let i: number;
  if (source.startsWith('\\A')) i = 2;
  else if (source.startsWith('^') && !options.includes('m')) i = 1;
  else return '';
  if (hasTopLevelAlternation(source)) return '';
  let prefix = '';
  while (i < source.length) {
    const c = source[i] as string;
    let char: string;
    let width: number;
    if (/[A-Za-z0-9 _\-'"!@%&=,;<>~`/]/.test(c) || c.charCodeAt(0) > 127) {
      char = c;
      width = 1;
    } else if (c === '\\' && source[i + 1] !== undefined && /[.^$|?*+()[\]{}\\/-]/.test(source[i + 1] as string)) {
      char = source[i + 1] as string;
      width = 2;
    } else {
      break;
    }
    const after = source[i + width];
    if (after === '?' || after === '*' || (after === '{' && source[i + width + 1] === '0')) break;
    if (c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdbff) break; // keep whole code points only
    prefix += char;
    i += width;
    if (after === '+' || after === '{') break; // one is certain, more are not literal text
  }
  return prefix;
}

function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i += 1;
    } else if (c === '[') {
      i += 1;
      if (source[i] === '^') i += 1;
      if (source[i] === ']') i += 1;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    } else if (c === '(') {
      depth += 1;
    } else if (c === ')') {
      depth -= 1;
    } else if (c === '|' && depth === 0) {
      return true;
    }
  }
  return false;
}
