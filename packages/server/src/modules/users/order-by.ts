import { ApiError } from '../../errors.js';
import type { UserSort, UserSortField } from './store.js';

const fields: readonly UserSortField[] = ['username', 'firstName', 'lastName', 'lastAccessed'];

// One `key: direction` of a sort document: the key as JSON writes it ("k"), as MeshyDB's docs
// write filters ('k'), or bare as the mongo shell does (k); the direction 1 or -1.
const pairPattern = /^\s*(?:"([A-Za-z]+)"|'([A-Za-z]+)'|([A-Za-z]+))\s*:\s*(-?1)\s*$/;

/**
 * GET /users?orderBy=: a MongoDB sort document over the four fields users order by, e.g.
 * `{"username":1}` or `{ 'lastName': -1, firstName: 1 }`. A strict grammar for exactly that shape
 * (keys are letters, values 1 or -1, so a comma always separates pairs) instead of a parser of
 * shell syntax: nothing here evaluates anything. Absent or blank: none (the store's default).
 * Anything else, an unknown or repeated field included, is order_by_invalid.
 */
export function parseUserOrder(text: string | undefined): UserSort[] {
  if (text === undefined || text.trim() === '') return [];
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) throw new ApiError('order_by_invalid');
  const inner = trimmed.slice(1, -1);
  if (inner.trim() === '') return [];
  // The shell allows one trailing comma, JSON none; allowing it costs nothing.
  const parts = inner.split(',');
  if (parts.length > 1 && parts[parts.length - 1]!.trim() === '') parts.pop();
  const sorts: UserSort[] = [];
  for (const part of parts) {
    const match = pairPattern.exec(part);
    const field = match && (match[1] ?? match[2] ?? match[3]);
    if (!field || !fields.includes(field as UserSortField)) throw new ApiError('order_by_invalid');
    if (sorts.some((sort) => sort.field === field)) throw new ApiError('order_by_invalid');
    sorts.push({ field: field as UserSortField, direction: match[4] === '1' ? 1 : -1 });
  }
  return sorts;
}
