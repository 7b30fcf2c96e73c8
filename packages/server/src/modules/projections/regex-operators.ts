import { evalExpr } from 'mingo/core';
import type { Any, AnyObject, Options } from 'mingo/types';
import { compileRegex, RegexError } from '../../query/regex.js';

/**
 * $regexMatch, $regexFind and $regexFindAll on RE2 (query/regex.ts, PCRE's meaning), in place of
 * mingo's, which build a JavaScript RegExp from the pattern: a stored pipeline's pattern, or one
 * taken from a document, must never reach a backtracking engine.
 */
interface RegexArgs {
  input?: unknown;
  regex?: unknown;
  options?: unknown;
}

interface Found {
  match: string;
  idx: number;
  captures: (string | null)[];
}

function search(obj: Any, expr: Any, options: Options, all: boolean): Found[] {
  const args = evalExpr(obj, expr, options) as RegexArgs;
  if (typeof args?.input !== 'string') return [];
  if (typeof args.regex !== 'string') throw new RegexError('$regex* needs regex as a string');
  const flags = typeof args.options === 'string' ? args.options : '';
  const matcher = compileRegex(args.regex, flags).matcher(args.input);
  const found: Found[] = [];
  let from = 0;
  while (from <= args.input.length && matcher.find(from)) {
    const captures: (string | null)[] = [];
    for (let i = 1; i <= matcher.groupCount(); i++) captures.push(matcher.group(i));
    found.push({ match: matcher.group() ?? '', idx: matcher.start(), captures });
    if (!all) break;
    // An empty match moves on by one, so a pattern like /a*/ ends.
    from = matcher.end() === matcher.start() ? matcher.end() + 1 : matcher.end();
  }
  return found;
}

export const regexOperators = {
  $regexMatch: (obj: AnyObject, expr: Any, options: Options) => search(obj, expr, options, false).length > 0,
  $regexFind: (obj: AnyObject, expr: Any, options: Options) => search(obj, expr, options, false)[0] ?? null,
  $regexFindAll: (obj: AnyObject, expr: Any, options: Options) => search(obj, expr, options, true),
};
