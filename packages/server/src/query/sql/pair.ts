import { joinBalanced, raw, Sql, sql } from './fragment.js';

/**
 * A compiled filter node as two SQL expressions, `sub` ⊆ matches ⊆ `sup`: an exact node has
 * `sup === sub`; a node SQL cannot decide selects a superset (`sup`) and proves nothing (`sub`,
 * often FALSE). `and`/`or` combine each side; `not` swaps them (what is surely matched is what
 * the negation surely refuses).
 *
 * NULL: an expression may be NULL where it is false (a missing field), which AND and OR carry
 * through correctly in a WHERE; only negation needs booleans, so `not` tests `IS TRUE` first.
 */
export interface Pair {
  readonly sup: Sql;
  readonly sub: Sql;
  readonly exact: boolean;
}

export const TRUE = raw('TRUE');
export const FALSE = raw('FALSE');

export function exact(expression: Sql): Pair {
  return { sup: expression, sub: expression, exact: true };
}

export const ALWAYS = exact(TRUE);
export const NEVER = exact(FALSE);

/** Nothing SQL can tell: every row is a candidate. */
export const UNKNOWN: Pair = { sup: TRUE, sub: FALSE, exact: false };

/** A superset test that proves nothing on its own. */
export function superset(expression: Sql): Pair {
  return { sup: expression, sub: FALSE, exact: false };
}

export function and(pairs: readonly Pair[]): Pair {
  return combine(pairs, 'AND');
}

export function or(pairs: readonly Pair[]): Pair {
  return combine(pairs, 'OR');
}

export function not(pair: Pair): Pair {
  const sup = negate(pair.sub);
  return { sup, sub: pair.exact ? sup : negate(pair.sup), exact: pair.exact };
}

function negate(expression: Sql): Sql {
  if (expression === TRUE) return FALSE;
  if (expression === FALSE) return TRUE;
  return sql`NOT ((${expression}) IS TRUE)`;
}

function combine(pairs: readonly Pair[], operator: 'AND' | 'OR'): Pair {
  const sup = fold(pairs.map((pair) => pair.sup), operator);
  const allExact = pairs.every((pair) => pair.exact);
  return { sup, sub: allExact ? sup : fold(pairs.map((pair) => pair.sub), operator), exact: allExact };
}

/** Constants folded away (TRUE is AND's identity and OR's absorbing element; FALSE the reverse). */
function fold(expressions: readonly Sql[], operator: 'AND' | 'OR'): Sql {
  const identity = operator === 'AND' ? TRUE : FALSE;
  const absorbing = operator === 'AND' ? FALSE : TRUE;
  if (expressions.includes(absorbing)) return absorbing;
  const kept = expressions.filter((expression) => expression !== identity);
  return kept.length === 0 ? identity : joinBalanced(kept, operator);
}
