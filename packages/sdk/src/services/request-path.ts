import { argumentError } from '../errors.js';

/**
 * One path segment from a caller's id. Encoded, so `a/b` or `x?y` stay one segment; refused when
 * empty (`roles/` would reach the search) or `.`/`..`, which URL parsing resolves away even
 * percent-encoded (`users/..` would be the account itself).
 */
export function idSegment(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw argumentError(`${name} is required.`);
  if (value === '.' || value === '..') throw argumentError(`${name} cannot be "${value}".`);
  return encodeURIComponent(value);
}

export type QueryValue = string | number | boolean | null | undefined;

/** `path?k=v&...` with URLSearchParams' encoding; undefined and null leave a parameter out (the server's default). */
export function withQuery(path: string, query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/**
 * The docs show some searches as `search({ name, page, pageSize })` and others, like the C# SDK, as
 * `search(name, page, pageSize)`: either spelling gives the same query. `keys` names the
 * positional arguments in order.
 */
export function queryFrom<Q extends object>(keys: readonly (keyof Q)[], args: readonly unknown[]): Partial<Q> {
  const [first] = args;
  if (typeof first === 'object' && first !== null) return { ...(first as Q) };
  const query: Partial<Q> = {};
  keys.forEach((key, index) => {
    if (args[index] !== undefined) query[key] = args[index] as Q[keyof Q];
  });
  return query;
}
