/**
 * SQL under construction: text with the parameters kept apart until the whole statement is
 * known. The filter compiler builds a superset and a subset expression for every node and a
 * negation reuses the other one, so placeholders can only be numbered (PostgreSQL `$n`) or
 * ordered (SQLite `?`) once the final text is laid out: `render` does that.
 */

/** One bound value; `cast` (PostgreSQL only, e.g. "::jsonb") follows its placeholder. */
export interface Param {
  readonly kind: 'param';
  readonly value: unknown;
  readonly cast: string;
}

type Part = string | Param;

export class Sql {
  constructor(readonly parts: readonly Part[]) {}
}

export function param(value: unknown, cast = ''): Param {
  return { kind: 'param', value, cast };
}

/** Text that is not user input (keywords, column names, validated index paths). */
export function raw(text: string): Sql {
  return new Sql([text]);
}

/** A tagged template: interpolated `Sql` is spliced in, a `Param` becomes a placeholder. */
export function sql(strings: TemplateStringsArray, ...values: readonly (Sql | Param)[]): Sql {
  const parts: Part[] = [];
  strings.forEach((text, i) => {
    if (text !== '') parts.push(text);
    const value = values[i];
    if (value === undefined) return;
    if (value instanceof Sql) parts.push(...value.parts);
    else parts.push(value);
  });
  return new Sql(parts);
}

/**
 * `items` joined by a binary operator as a balanced tree of parentheses, so that a long `$or`
 * stays within SQLite's expression depth limit (1000), which a left-deep chain would reach.
 */
export function joinBalanced(items: readonly Sql[], operator: 'AND' | 'OR'): Sql {
  if (items.length === 1) return items[0] as Sql;
  const middle = Math.ceil(items.length / 2);
  return sql`(${joinBalanced(items.slice(0, middle), operator)} ${raw(operator)} ${joinBalanced(items.slice(middle), operator)})`;
}

/** `items` separated by `separator` (a list, not an expression tree). */
export function joinList(items: readonly Sql[], separator: string): Sql {
  const parts: Part[] = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push(separator);
    parts.push(...item.parts);
  });
  return new Sql(parts);
}

/** The final text and its parameters in placeholder order; PostgreSQL numbers from `firstParam`. */
export function render(fragment: Sql, dialect: 'sqlite' | 'postgres', firstParam: number): { text: string; params: unknown[] } {
  let text = '';
  const params: unknown[] = [];
  for (const part of fragment.parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    params.push(part.value);
    text += dialect === 'sqlite' ? '?' : `$${firstParam + params.length - 1}${part.cast}`;
  }
  return { text, params };
}
