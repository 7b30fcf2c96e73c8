import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { ApiError, fieldReason, NUL_CHARACTER_KEYWORD } from '../errors.js';
import { nulFinderFor } from './text-fields.js';

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/**
 * Route schemas are TypeBox's, checked by TypeBox's compiled checks. Bodies are never coerced: a
 * number where a string belongs is refused, not turned into "5". Path and query parameters arrive
 * as text and are converted to the schema's types first. An absent or `null` body is checked as
 * `{}`, so a missing field gets the same documented sentence whether or not a body was sent.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  // A value that fits its schema may still hold U+0000 in a declared string (text-fields.ts).
  const findNul = nulFinderFor(schema);
  const accepted = findNul === undefined ? (value: unknown) => ({ value }) : (value: unknown) => {
    const at = findNul(value);
    if (at === undefined) return { value };
    const error: SchemaError = { keyword: NUL_CHARACTER_KEYWORD, instancePath: at, params: {} };
    return { error: [error] as unknown as Error };
  };
  if (httpPart === 'body') {
    return (value: unknown) => {
      const input = value ?? {};
      if (check.Check(input)) return accepted(input);
      return { error: [...check.Errors(input)] as unknown as Error };
    };
  }
  return (value: unknown) => {
    // Text that already fits (a mesh name, an id: nearly every path) is taken as it is. Converting
    // first cost ~10 µs of every request (a walk of the schema and a copy of the value), and on a
    // value that passes, Convert changes nothing.
    if (check.Check(value)) return accepted(value);
    const input = Value.Convert(schema, value);
    if (check.Check(input)) return accepted(input);
    return { error: [...check.Errors(input)] as unknown as Error };
  };
};

/**
 * The first schema error as our ApiError: the documented sentence and stable code of the field
 * it is about (errors.ts), never the validator's own wording.
 */
export function schemaErrorFormatter(errors: SchemaError[], part: string): Error {
  const first = errors[0];
  if (!first) return new ApiError('body_malformed');
  const [field = '', ...rest] = first.instancePath.split('/').filter(Boolean);
  if (field === '' && first.keyword !== 'required') {
    return part === 'body' ? new ApiError('body_malformed', { reason: 'Request body must be a JSON object.' }) : new ApiError('parameter_invalid');
  }
  const missing = first.keyword === 'required' ? ((first.params.requiredProperties as string[] | undefined)?.[0] ?? '') : undefined;
  return fieldReason({
    field: missing !== undefined && field === '' ? missing : field,
    inItem: rest.length > 0 || (missing !== undefined && field !== ''),
    keyword: first.keyword,
    limit: typeof first.params.limit === 'number' ? first.params.limit : undefined,
    expected: typeof first.params.type === 'string' ? first.params.type : undefined,
  });
}
