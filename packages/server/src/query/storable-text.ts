import type { JsonValue } from './tree.js';

/**
 * Text a mesh store cannot hold: U+0000 (PostgreSQL's text has no NUL byte, and jsonb refuses the
 * `\u0000` escape) and an unpaired UTF-16 surrogate (JSON.stringify writes it as a `\ud800` escape,
 * which jsonb refuses too). SQLite would store both, so PostgreSQL's limit is the rule for both
 * stores: a document that holds such text is refused before either sees it.
 *
 * A filter or a sort holding such text is valid, and answered as MongoDB would answer it over
 * documents that cannot hold it: `{a: "\u0000"}` matches nothing, `{a: {$ne: "\u0000"}}` every
 * document, and a name with U+0000 is missing from all of them (so `{"a\u0000": null}` matches
 * all). Refusing such a filter would refuse queries that have matches ($ne, $nin, $gt, null), and
 * "matches nothing" would be wrong for them. The SQL compiler leaves these tests to the evaluator
 * (sql/bindable.ts: PostgreSQL cannot even be sent the text), so both stores give the same answer.
 * A regex with a NUL stays refused (regex.ts), as MongoDB refuses it.
 */
// With the `u` flag a well-formed pair is one code point, so only a lone surrogate matches.
const UNSTORABLE = /[\u0000\ud800-\udfff]/u;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** Whether a value holds unstorable text in a string or a property name, at any depth (its own stack, no recursion). */
export function holdsUnstorableText(value: JsonValue): boolean {
  const stack: JsonValue[] = [value];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      if (!isStorableText(item)) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) stack.push(element);
    } else if (typeof item === 'object' && item !== null) {
      for (const key of Object.keys(item)) {
        if (!isStorableText(key)) return true;
        stack.push(item[key] as JsonValue);
      }
    }
  }
  return false;
}

/**
 * The same question asked of JSON.stringify's text of a value, as the stores are handed it. That
 * text writes NUL as `\u0000` and a lone surrogate as `\ud800`–`\udfff` (lower case), and has no
 * other `\u` escape of them; a backslash of the data is written `\\`, so an escape is a `\u` after
 * an even run of backslashes. Most documents hold no `\u` at all, and `includes` answers for them:
 * ~25 ns for a 9-field document of 229 characters, where holdsUnstorableText's walk of it takes
 * ~700 ns (node 20).
 */
const UNSTORABLE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f])/;

export function isStorableJsonText(json: string): boolean {
  return !json.includes('\\u') || !UNSTORABLE_ESCAPE.test(json);
}
