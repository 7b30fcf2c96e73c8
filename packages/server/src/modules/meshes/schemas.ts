import { Type, type TSchema } from 'typebox';
import { PagedResult, PageQuery } from '../../http/paging.js';
import { ANY_CHARACTER, apiErrors } from '../../http/schemas.js';
import type { ReasonCode } from '../../errors.js';
import { MESH_NAME_PATTERN } from './names.js';

/**
 * The meshes routes' schemas. Documents are schemaless, so bodies are checked only for their
 * shape here (an object, or a list for a bulk create); the documented rules on properties and ids
 * are the service's, with their own sentences. Answers are the store's JSON text, sent as is, so
 * the response schemas document them and never serialise them.
 */
const Mesh = Type.String({ pattern: MESH_NAME_PATTERN, description: 'Alpha characters only, at most 64; case-insensitive (`Person` and `person` are one mesh).' });
const MeshParams = Type.Object({ mesh: Mesh });
// Any character: an id that is not an ObjectId names nothing (404) and never reaches the store.
const DocumentParams = Type.Object({ mesh: Mesh, id: Type.String({ description: 'The `_id` of the document: 24 hexadecimal digits.', [ANY_CHARACTER]: true }) });

const Document = Type.Object(
  { _id: Type.String({ pattern: '^[0-9a-f]{24}$', description: 'An ObjectId: given by the client or made by the server.' }) },
  { additionalProperties: true, description: 'The stored document, `_id` first.' },
);
const NewDocument = Type.Object({}, { additionalProperties: true, description: "Any JSON object. Its properties, at any depth, cannot begin with '$' or contain '.'. `_id`, when given (not null), must be 24 hexadecimal digits." });

const ItemError = Type.Object({
  index: Type.Integer({ description: "The object's place in the list, from 0." }),
  status: Type.Integer({ description: 'The status the object alone would have got (400).' }),
  code: Type.String({ description: 'Stable machine-readable name of the case.' }),
  message: Type.String({ description: "The reason, in MeshyDB's words." }),
});

const Filter = (description: string) => Type.Optional(Type.Unknown({ description }));
const filterText = "A MongoDB filter in shell syntax (`{ 'firstName': { \"$regex\": \"^Rob\" } }`) or JSON; `undefined` and `null` mean none.";

/** The 400 of a bulk create carries `errors`, one entry per refused object (nothing of the batch is created). */
function withItemErrors(responses: Record<number, TSchema>): Record<number, TSchema> {
  const bad = responses[400] as unknown as { properties: Record<string, unknown> };
  const errors = Type.Array(ItemError, { description: 'With `mesh_batch_invalid`: the objects that were refused, in order; the others were valid. None was created.' });
  return { ...responses, 400: { ...bad, properties: { ...bad.properties, errors } } as unknown as TSchema };
}

const createReasons: ReasonCode[] = [
  'mesh_name_invalid',
  'mesh_data_missing',
  'mesh_batch_invalid',
  'mesh_property_invalid',
  'mesh_id_taken',
  'mesh_id_invalid',
  'mesh_number_invalid',
  'mesh_data_too_deep',
  'mesh_text_invalid',
  'mesh_data_not_object',
  'meshes_create_forbidden',
];

export const meshSchemas = {
  create: {
    summary: 'Create a document, or many at once (all or none)',
    params: MeshParams,
    body: Type.Union([NewDocument, Type.Array(Type.Unknown(), { description: 'Bulk create: a list of objects.' })]),
    response: {
      201: Type.Union([Document, Type.Object({ createdCount: Type.Integer(), createdData: Type.Array(Document) })], { description: 'The document; for a list, `{createdCount, createdData}`.' }),
      ...withItemErrors(apiErrors(...createReasons)),
    },
  },
  get: {
    summary: 'A document by its id',
    params: DocumentParams,
    response: { 200: Document, ...apiErrors('mesh_name_invalid', 'mesh_not_found', 'meshes_read_forbidden') },
  },
  search: {
    summary: 'Search a mesh with a MongoDB filter and orderBy',
    params: MeshParams,
    querystring: Type.Object({
      filter: Filter(filterText),
      orderBy: Filter("A MongoDB sort, e.g. `{ 'lastName': 1, 'age': -1 }`; ties end with `_id` ascending."),
      ...PageQuery.properties,
    }),
    response: {
      200: PagedResult(Document),
      ...apiErrors('mesh_name_invalid', 'filter_invalid', 'mesh_order_by_invalid', 'page_invalid', 'page_size_invalid', 'meshes_read_forbidden', 'database_limit_exceeded', 'database_timeout'),
    },
  },
  replace: {
    summary: 'Replace a document (not a merge: what the body leaves out is removed)',
    params: DocumentParams,
    body: NewDocument,
    response: {
      200: Document,
      ...apiErrors('mesh_name_invalid', 'mesh_data_missing', 'mesh_property_invalid', 'mesh_id_unchangeable', 'mesh_number_invalid', 'mesh_data_too_deep', 'mesh_text_invalid', 'mesh_id_taken', 'mesh_not_found', 'meshes_update_forbidden'),
    },
  },
  updateMany: {
    summary: 'Update every document a filter matches, with MongoDB update operators',
    params: MeshParams,
    body: Type.Object({
      filter: Filter(`${filterText} Required; \`{}\` matches every document.`),
      update: Filter('MongoDB update operators (`$set`, `$inc`, `$push`, ...), as shell-syntax text or JSON; `_id` cannot change.'),
    }),
    response: {
      200: Type.Object({
        isAcknowledged: Type.Boolean(),
        isModifiedCountAvailable: Type.Boolean(),
        matchedCount: Type.Integer(),
        modifiedCount: Type.Integer(),
        upsertedId: Type.Null(),
      }),
      ...apiErrors('mesh_name_invalid', 'filter_required', 'update_required', 'filter_invalid', 'update_invalid', 'update_number_overflow', 'update_text_invalid', 'meshes_update_forbidden', 'database_limit_exceeded', 'database_timeout'),
    },
  },
  deleteOne: {
    summary: 'Delete a document',
    params: DocumentParams,
    response: { 204: Type.Null(), ...apiErrors('mesh_name_invalid', 'mesh_not_found', 'meshes_delete_forbidden') },
  },
  deleteMany: {
    summary: 'Delete every document a filter matches',
    params: MeshParams,
    querystring: Type.Object({ filter: Filter(`${filterText} Required; \`{}\` deletes every document of the mesh.`) }),
    response: {
      200: Type.Object({ deletedCount: Type.Integer(), isAcknowledged: Type.Boolean() }),
      ...apiErrors('mesh_name_invalid', 'delete_filter_missing', 'delete_filter_invalid', 'meshes_delete_forbidden', 'database_limit_exceeded', 'database_timeout'),
    },
  },
};
