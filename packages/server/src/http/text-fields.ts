/**
 * The strings of a request that must not hold U+0000: every string a route's schema declares
 * (body, query and path), unless the schema marks it ANY_CHARACTER. PostgreSQL's text cannot hold
 * a NUL byte, so a name, a description or an id with one was a 500 there and stored on SQLite; it
 * is a 400 naming the field on both. Mesh documents and pipelines are free JSON (their schemas
 * declare no strings), with rules of their own (meshes/documents.ts). Only declared properties are
 * looked at: the routes ignore the others (the token endpoint's unknown form parameters), and
 * never store them.
 */

/**
 * The schema option of a request string that may hold any character, U+0000 included, because it
 * never reaches a store as text: a secret that is only hashed or compared (a password, an answer,
 * a code), a token or id the route parses first, a query document the query parser reads.
 */
export const ANY_CHARACTER = 'x-any-character';

/** The JSON pointer of the first declared string holding U+0000 (as a schema error's instancePath), or undefined. */
export type NulFinder = (value: unknown) => string | undefined;

interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  [ANY_CHARACTER]?: boolean;
}

/** Where a schema declares strings to look at; a union's branches merged into one. */
interface TextShape {
  string: boolean;
  items?: TextShape;
  properties?: [string, TextShape][];
}

/**
 * The finder for one part's schema, built once per route; undefined when the schema declares no
 * string to look at (a mesh document, a page number), so that part costs nothing per request.
 */
export function nulFinderFor(schema: unknown): NulFinder | undefined {
  const shape = shapeOf(schema as SchemaNode);
  return shape && ((value) => find(shape, value));
}

function shapeOf(schema: SchemaNode): TextShape | undefined {
  if (typeof schema !== 'object' || schema === null || schema[ANY_CHARACTER]) return undefined;
  const types = [schema.type ?? []].flat();
  const shapes: TextShape[] = [];
  if (types.includes('string')) shapes.push({ string: true });
  const items = types.includes('array') && schema.items ? shapeOf(schema.items) : undefined;
  if (items) shapes.push({ string: false, items });
  if (types.includes('object') && schema.properties) {
    const properties = Object.entries(schema.properties)
      .map(([key, property]) => [key, shapeOf(property)] as const)
      .filter((entry): entry is [string, TextShape] => entry[1] !== undefined);
    if (properties.length > 0) shapes.push({ string: false, properties });
  }
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    const shape = shapeOf(branch);
    if (shape) shapes.push(shape);
  }
  return shapes.reduce<TextShape | undefined>((merged, shape) => (merged ? merge(merged, shape) : shape), undefined);
}

function merge(a: TextShape, b: TextShape): TextShape {
  const items = a.items && b.items ? merge(a.items, b.items) : (a.items ?? b.items);
  const properties = new Map(a.properties ?? []);
  for (const [key, shape] of b.properties ?? []) properties.set(key, properties.has(key) ? merge(properties.get(key)!, shape) : shape);
  return { string: a.string || b.string, ...(items && { items }), ...(properties.size > 0 && { properties: [...properties] }) };
}

/** The pointer below `value` (`''` for itself); built only on a hit, so a clean request allocates nothing. */
function find(shape: TextShape, value: unknown): string | undefined {
  if (typeof value === 'string') return shape.string && value.includes('\0') ? '' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    if (!shape.items) return undefined;
    for (let i = 0; i < value.length; i++) {
      const at = find(shape.items, value[i]);
      if (at !== undefined) return `/${i}${at}`;
    }
    return undefined;
  }
  const properties = shape.properties;
  if (!properties) return undefined;
  for (const [key, property] of properties) {
    // Declared names are plain words no prototype has: a plain read needs no hasOwn.
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    const at = find(property, item);
    if (at !== undefined) return `/${key}${at}`;
  }
  return undefined;
}
