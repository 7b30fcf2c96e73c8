import { Type, type Static } from 'typebox';
import { PagedResult, PageQuery } from '../../http/paging.js';
import { ANY_CHARACTER, apiErrors, NullableString, NullableText } from '../../http/schemas.js';

const NameParams = Type.Object({ name: Type.String({ maxLength: 256, description: 'Name of the projection (case-insensitive).' }) });

// Name and mesh may hold any character here: names.ts refuses all but letters, with the
// projection's own reasons, before a store sees them.
export const ProjectionBody = Type.Object({
  name: Type.Optional(NullableString({ maxLength: 256, description: 'Alpha characters only; unique regardless of case.', anyCharacter: true })),
  mesh: Type.Optional(NullableString({ maxLength: 256, description: 'The mesh the pipeline reads.', anyCharacter: true })),
  pipeline: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 1000, description: 'MongoDB aggregation stages (data/projecting.rst lists them).' })),
  description: Type.Optional(NullableString({ maxLength: 4096, description: 'What the projection is for.' })),
});
export type ProjectionBody = Static<typeof ProjectionBody>;

// No maxLength on filter and orderBy: the query parser bounds them with the documented sentence.
// Any character, as a mesh search's: what a query may hold is the query parser's rule.
const RunQuery = Type.Object({
  filter: Type.Optional(Type.String({ description: 'MongoDB shell syntax, over the pipeline\'s output.', [ANY_CHARACTER]: true })),
  orderBy: Type.Optional(Type.String({ description: 'e.g. { "Name": -1, "Age": 1 }, over the pipeline\'s output.', [ANY_CHARACTER]: true })),
  ...PageQuery.properties,
});

const ProjectionView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  mesh: Type.String(),
  description: NullableText(),
  pipeline: Type.Array(Type.Unknown()),
});
const AnyDocument = Type.Object({}, { additionalProperties: true });

const bodyRules = ['projection_name_required', 'projection_name_invalid', 'projection_mesh_invalid', 'pipeline_invalid', 'field_invalid'] as const;
const runLimits = ['projection_busy', 'projection_memory_limit', 'projection_scan_limit', 'projection_time_limit', 'database_limit_exceeded', 'database_timeout'] as const;

export const projectionSchemas = {
  list: {
    summary: 'The projections of the account (their definitions)',
    querystring: PageQuery,
    response: { 200: PagedResult(ProjectionView), ...apiErrors('page_invalid', 'page_size_invalid', 'projections_read_forbidden') },
  },
  create: { summary: 'Store a projection', body: ProjectionBody, response: { 201: ProjectionView, ...apiErrors(...bodyRules, 'projection_name_taken', 'projections_create_forbidden') } },
  update: {
    summary: 'Change a projection (fields left out keep their value)',
    params: NameParams,
    body: ProjectionBody,
    response: { 200: ProjectionView, ...apiErrors(...bodyRules, 'projection_name_taken', 'projection_not_found', 'projections_update_forbidden') },
  },
  delete: { summary: 'Delete a projection', params: NameParams, response: { 204: Type.Null(), ...apiErrors('projection_not_found', 'projections_delete_forbidden') } },
  run: {
    summary: 'Run a projection: its pipeline, then filter, orderBy and paging',
    params: NameParams,
    querystring: RunQuery,
    response: {
      200: PagedResult(AnyDocument),
      ...apiErrors('projection_name_required', 'projection_filter_invalid', 'projection_order_by_invalid', 'page_invalid', 'page_size_invalid', 'projection_failed', 'projections_read_forbidden', 'projection_not_found', ...runLimits),
    },
  },
  runWithoutName: { summary: 'A projection needs a name', response: { ...apiErrors('projection_name_required') } },
};
