import type { AuthorizedCall } from '../authorized-call.js';
import { argumentError } from '../errors.js';
import type { CreateManyResult, DeleteManyResult, MeshData, MeshRecord, MeshSearch, MongoDocument, PagedResult, UpdateManyResult } from '../types.js';
import { mongoText, type TextKind } from './mongo-text.js';
import { idSegment, withQuery } from './request-path.js';

type Fields = Record<string, unknown>;

/**
 * meshes/ endpoints (data/*.rst): the records of an app, in named collections ("meshes"). Each
 * call needs the permission for its action on `meshes` or on that mesh (`meshes.person`); a new
 * account gives every signed-in user `meshes:crud`. Names and call shapes are those of the
 * docs' NodeJS tabs, which write both `connection.meshesService` and `connection.meshes`.
 */
export class MeshesService {
  constructor(private readonly call: AuthorizedCall) {}

  /**
   * POST /{account}/meshes/{mesh} with one record: 201 with it as stored, `_id` first. An `_id`
   * in `data` is the id it gets (the server refuses one that is taken); otherwise the server makes one.
   */
  async create<T extends object>(mesh: string, data: T): Promise<MeshRecord<T>> {
    // An array would be a bulk create, whose answer is another shape.
    if (Array.isArray(data)) throw argumentError('create takes one record; createMany takes an array.');
    checkRecord(data);
    return this.call({ method: 'POST', path: meshPath(mesh), jsonText: mongoText('data', data).text });
  }

  /** POST /{account}/meshes/{mesh} with an array: 201 `{ createdCount, createdData }`, all or none of them. */
  async createMany<T extends object>(mesh: string, data: readonly T[]): Promise<CreateManyResult<T>> {
    if (!Array.isArray(data)) throw argumentError('createMany takes an array of records.');
    return this.call({ method: 'POST', path: meshPath(mesh), jsonText: mongoText('data', data).text });
  }

  /** GET /{account}/meshes/{mesh}/{id}: 404 "Mesh data was not found." when there is none. */
  async get<T extends object = Fields>(mesh: string, id: string): Promise<MeshRecord<T>> {
    return this.call({ method: 'GET', path: recordPath(mesh, id) });
  }

  /**
   * GET /{account}/meshes/{mesh}?filter=&orderBy=&page=&pageSize=: one page of the matching
   * records and how many match in all. `filter` and `orderBy` as objects or MongoDB text.
   */
  async search<T extends object = Fields>(mesh: string, query: MeshSearch = {}): Promise<PagedResult<MeshRecord<T>>> {
    const { filter, orderBy, page, pageNumber, pageSize } = query ?? {};
    if (page !== undefined && pageNumber !== undefined && page !== pageNumber) {
      throw argumentError('page and pageNumber name the same page: give one of them.');
    }
    const path = withQuery(meshPath(mesh), {
      filter: queryText('filter', filter),
      orderBy: queryText('orderBy', orderBy),
      page: page ?? pageNumber,
      pageSize,
    });
    return this.call({ method: 'GET', path });
  }

  /**
   * PUT /{account}/meshes/{mesh}/{id}: replaces the record whole (a field left out is removed)
   * and answers it as it is now. `id` defaults to `data._id`, so a record read with get or
   * search can be changed and passed back as it is; `_id` itself is not sent in the body, as in
   * MeshyDB's SDK: the id in the path is the record's.
   */
  async update<T extends object>(mesh: string, data: T, id?: string): Promise<MeshRecord<T>> {
    checkRecord(data);
    const { _id, ...fields } = data as MeshData & Fields;
    const target = id ?? _id;
    if (target === undefined) throw argumentError('id is required: pass it, or give data an _id.');
    return this.call({ method: 'PUT', path: recordPath(mesh, target), jsonText: mongoText('data', fields).text });
  }

  /**
   * PATCH /{account}/meshes/{mesh} `{ filter, update }`: applies a MongoDB update (`$set`,
   * `$inc`, `$push`, ...) to every record the filter matches, in one transaction. Objects are
   * sent as JSON objects, text as the JSON string the docs' REST tab sends.
   */
  async updateMany(mesh: string, filter: MongoDocument, update: MongoDocument): Promise<UpdateManyResult> {
    const members = [bodyMember('filter', filter), bodyMember('update', update)].filter((member) => member !== undefined);
    return this.call({ method: 'PATCH', path: meshPath(mesh), jsonText: `{${members.join(',')}}` });
  }

  /** DELETE /{account}/meshes/{mesh}/{id}: 204, or 404 "Mesh data was not found.". Deleting is permanent. */
  async delete(mesh: string, id: string): Promise<void> {
    await this.call<void>({ method: 'DELETE', path: recordPath(mesh, id) });
  }

  /** DELETE /{account}/meshes/{mesh}?filter=: deletes every record the filter matches. The server refuses a call without a filter. */
  async deleteMany(mesh: string, filter: MongoDocument): Promise<DeleteManyResult> {
    return this.call({ method: 'DELETE', path: withQuery(meshPath(mesh), { filter: queryText('filter', filter) }) });
  }
}

/** A record is one JSON object; anything else would be refused by the server, or (null in an update) would empty the record. */
function checkRecord(data: unknown): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw argumentError('A mesh record must be an object.');
}

function meshPath(mesh: string): string {
  return `meshes/${idSegment('mesh', mesh)}`;
}

function recordPath(mesh: string, id: string): string {
  return `${meshPath(mesh)}/${idSegment('id', id)}`;
}

/** A filter or orderBy for the query string: text as given, an object as its text; none is left out (the server's default). */
function queryText(kind: TextKind, document: MongoDocument | null | undefined): string | undefined {
  if (document === undefined || document === null) return undefined;
  return typeof document === 'string' ? document : mongoText(kind, document).text;
}

/**
 * `"filter":...` of the PATCH body: an object as a JSON object, text as a JSON string. A filter
 * object holding a RegExp goes as its shell-syntax text, which a JSON object cannot carry.
 */
function bodyMember(kind: TextKind, document: MongoDocument | null | undefined): string | undefined {
  if (document === undefined || document === null) return undefined;
  let value: string;
  if (typeof document === 'string') {
    value = JSON.stringify(document);
  } else {
    const { text, hasRegex } = mongoText(kind, document);
    value = hasRegex ? JSON.stringify(text) : text;
  }
  return `${JSON.stringify(kind)}:${value}`;
}
