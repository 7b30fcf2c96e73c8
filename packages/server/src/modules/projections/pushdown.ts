import { parseFilter, parseOrderBy } from '../../query/parse.js';
import type { Filter, JsonObject, Sort } from '../../query/tree.js';

/** What SQL answers before the engine: the pipeline's leading $match / $sort / $skip / $limit. */
export interface PushedDown {
  readonly filter?: Filter;
  readonly sort?: Sort;
  readonly offset: number;
  /** Undefined: every match. */
  readonly limit?: number;
  /** The stages left for the engine. */
  readonly rest: readonly JsonObject[];
}

/**
 * Splits a pipeline where SQL stops: $match stages our parser takes (ANDed), then one $sort, then
 * $skip and $limit, in the order MongoDB would apply them. A $match after a $sort, $skip or $limit
 * stays in the engine (it would filter a page, not the mesh), as does anything the parser refuses
 * ($expr, say).
 */
export function pushDown(pipeline: readonly JsonObject[]): PushedDown {
  const filters: Filter[] = [];
  let sort: Sort | undefined;
  let offset = 0;
  let limit: number | undefined;
  let paged = false;
  let i = 0;
  for (; i < pipeline.length; i++) {
    const [name, body] = Object.entries(pipeline[i]!)[0]!;
    if (name === '$match' && sort === undefined && !paged) {
      const filter = tryParse(() => parseFilter(body));
      if (filter === null) break;
      if (filter) filters.push(filter);
    } else if (name === '$sort' && sort === undefined && !paged) {
      const parsed = tryParse(() => parseOrderBy(body));
      if (!parsed) break;
      sort = parsed;
    } else if (name === '$skip') {
      const n = body as number;
      offset += n;
      if (limit !== undefined) limit = Math.max(0, limit - n);
      paged = true;
    } else if (name === '$limit') {
      const n = body as number;
      limit = limit === undefined ? n : Math.min(limit, n);
      paged = true;
    } else {
      break;
    }
  }
  const filter: Filter | undefined = filters.length === 0 ? undefined : filters.length === 1 ? filters[0] : { kind: 'and', filters };
  return { filter, sort, offset, limit, rest: pipeline.slice(i) };
}

function tryParse<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch {
    return null;
  }
}
