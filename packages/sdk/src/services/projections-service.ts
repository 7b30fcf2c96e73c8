import type { AuthorizedCall } from '../authorized-call.js';
import type { MongoDocument, PagedResult, PageQuery, Projection, ProjectionInput, ProjectionQuery } from '../types.js';
import { mongoText, type TextKind } from './mongo-text.js';
import { idSegment, withQuery } from './request-path.js';

/**
 * projections/ endpoints (data/projecting.rst): running stored aggregation pipelines, and
 * (OpenMeshy, beyond MeshyDB's portal) defining them. Running needs `projections` or
 * `projections.{name}` read (a new account gives every user `projections:read`); defining needs
 * create, update or delete on `projections`. The docs' NodeJS tab writes `connection.projections`.
 */
export class ProjectionsService {
  constructor(private readonly call: AuthorizedCall) {}

  /**
   * GET /{account}/projections/{name}?filter=&orderBy=&page=&pageSize=: the pipeline's output,
   * then `filter` and `orderBy` (objects or MongoDB text) and the page, as the docs' NodeJS tab
   * calls it: `get<any>(projectionName, { filter, orderBy, page, pageSize })`.
   */
  async get<T extends object = Record<string, unknown>>(name: string, query: ProjectionQuery = {}): Promise<PagedResult<T>> {
    const { filter, orderBy, page, pageSize } = query ?? {};
    const path = withQuery(projectionPath(name), { filter: queryText('filter', filter), orderBy: queryText('orderBy', orderBy), page, pageSize });
    return this.call({ method: 'GET', path });
  }

  /** GET /{account}/projections?page=&pageSize=: the definitions (needs `projections` read). */
  async list(query: PageQuery = {}): Promise<PagedResult<Projection>> {
    return this.call({ method: 'GET', path: withQuery('projections', { page: query.page, pageSize: query.pageSize }) });
  }

  /** POST /{account}/projections: 201 with the definition; the server checks the pipeline and names a refused stage. */
  async create(projection: ProjectionInput): Promise<Projection> {
    return this.call({ method: 'POST', path: 'projections', json: projection });
  }

  /** PUT /{account}/projections/{name}: fields left out keep their value; the definition as it is now. */
  async update(name: string, projection: Partial<ProjectionInput>): Promise<Projection> {
    return this.call({ method: 'PUT', path: projectionPath(name), json: projection });
  }

  /** DELETE /{account}/projections/{name}. */
  async delete(name: string): Promise<void> {
    await this.call<void>({ method: 'DELETE', path: projectionPath(name) });
  }
}

function projectionPath(name: string): string {
  return `projections/${idSegment('projectionName', name)}`;
}

function queryText(kind: TextKind, document: MongoDocument | null | undefined): string | undefined {
  if (document === undefined || document === null) return undefined;
  return typeof document === 'string' ? document : mongoText(kind, document).text;
}
