import { Type, type Static } from 'typebox';

export const MAX_PAGE_SIZE = 200;

/**
 * `page` and `pageSize` of every search (MeshyDB: page from 1, 25 a page, at most 200). A bad
 * value is a 400 with its own reason (errors.ts: page_invalid, page_size_invalid), never a 500.
 */
export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1, description: 'From 1.' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 25, description: `At most ${MAX_PAGE_SIZE}.` })),
});

export function pageOf(query: Static<typeof PageQuery>): { page: number; pageSize: number } {
  return { page: query.page ?? 1, pageSize: query.pageSize ?? 25 };
}

/** The answer of every search, in the docs' key order. */
export const PagedResult = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ page: Type.Integer(), pageSize: Type.Integer(), results: Type.Array(item), totalRecords: Type.Integer() });
