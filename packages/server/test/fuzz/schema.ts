import fc from 'fast-check';
import { jsonOdd } from './arbitraries.js';

/**
 * Values made from a route's JSON Schema: ones that pass it, so cases get past validation to the
 * handler, and ones that break it in one place, so the refusals get fuzzed too. Only the keywords
 * below are read; a schema using others just yields values its validator may refuse, which a
 * fuzzer can live with.
 */
interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
}

const asSchema = (schema: unknown): JsonSchema | undefined => (typeof schema === 'object' && schema !== null ? (schema as JsonSchema) : undefined);

/** Values that satisfy `schema` (anything at all where it says nothing). */
export function validFor(schema: unknown): fc.Arbitrary<unknown> {
  const s = asSchema(schema);
  if (s === undefined) return jsonOdd;
  if ('const' in s) return fc.constant(s.const);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const variants = s.anyOf ?? s.oneOf;
  if (variants?.length) return fc.oneof(...variants.map(validFor));
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type) => ofType(type, s)));
  return ofType(s.type, s);
}

function ofType(type: string | undefined, s: JsonSchema): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringFor(s);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = s.minItems ?? 0;
      return fc.array(validFor(s.items), { minLength: min, maxLength: Math.max(min, Math.min(s.maxItems ?? min + 4, min + 4)) });
    }
    case 'object':
      return objectFor(s);
    default:
      return jsonOdd;
  }
}

function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  if (s.pattern !== undefined) return fc.stringMatching(new RegExp(s.pattern, 'u'));
  switch (s.format) {
    case 'email':
      return fc.emailAddress();
    case 'uuid':
      return fc.uuid();
    case 'uri':
      return fc.webUrl();
    case 'date-time':
      return fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0)), noInvalidDate: true }).map((date) => date.toISOString());
    case 'date':
      return fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0)), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
  }
  const min = s.minLength ?? 0;
  return fc.string({ minLength: min, maxLength: Math.max(min, Math.min(s.maxLength ?? min + 40, min + 40)) });
}

function objectFor(s: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(s.properties ?? {})) properties[name] = validFor(property);
  // A required name the schema does not describe may hold anything.
  for (const name of s.required ?? []) properties[name] ??= jsonOdd;
  return fc.record(properties, { requiredKeys: s.required ?? [] });
}

/**
 * Values that satisfy `schema` but for one thing: a required property left out, one made odd
 * (recursively, so nested objects break deep inside), or an extra `__proto__`, `constructor` or
 * unknown one; values of the wrong shape altogether for anything but an object.
 */
export function nearlyValidFor(schema: unknown): fc.Arbitrary<unknown> {
  const s = asSchema(schema);
  const names = Object.keys(s?.properties ?? {});
  if (s === undefined || names.length === 0) return jsonOdd;
  const property = (name: string) => s.properties![name];
  const change = fc.oneof(
    fc.constantFrom(...names).map((name) => ({ name, drop: true as const })),
    fc.constantFrom(...names).chain((name) => fc.oneof(nearlyValidFor(property(name)), jsonOdd).map((value) => ({ name, value }))),
    fc.tuple(fc.constantFrom('__proto__', 'constructor', 'unknown_field'), jsonOdd).map(([name, value]) => ({ name, value })),
  );
  return fc.tuple(objectFor(s), change).map(([valid, how]) => {
    const value = { ...valid };
    if ('drop' in how) delete value[how.name];
    // defineProperty: assigning to `__proto__` would set the prototype instead of a property.
    else Object.defineProperty(value, how.name, { value: how.value, enumerable: true, writable: true, configurable: true });
    return value;
  });
}
