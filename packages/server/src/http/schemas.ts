import { Type, type TSchema } from 'typebox';
import { reasons, type ReasonCode } from '../errors.js';
import { errorResponseSchema, type ErrorShape } from './openapi-errors.js';
import { ANY_CHARACTER } from './text-fields.js';

export { ANY_CHARACTER };

/** A string that may also be null, as MeshyDB's JSON has many. */
export const NullableString = (options: { maxLength?: number; description?: string; anyCharacter?: boolean } = {}) =>
  Type.Union([Type.String({ maxLength: options.maxLength }), Type.Null()], {
    description: options.description,
    ...(options.anyCharacter ? { [ANY_CHARACTER]: true } : {}),
  });

/**
 * A string or null in an answer, as one JSON Schema type list rather than anyOf: fast-json-stringify
 * serialises a type list by typeof, while for anyOf it runs a validator over each value to pick the
 * branch (with `format` checks: ~2 % of GET users/me's CPU). For response schemas only: requests are
 * checked with NullableString.
 */
export const NullableText = (options: { format?: 'date-time'; description?: string } = {}) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });

function errorResponses(shape: ErrorShape, codes: readonly ReasonCode[]): Record<number, TSchema> {
  const byStatus = new Map<number, ReasonCode[]>();
  for (const code of codes) {
    const status = reasons[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, errorResponseSchema(list, shape) as TSchema]));
}

/**
 * The error responses a route answers itself, by status, each described by its reasons: the
 * MeshyDB body `{statusCode, code, message}`. What every route under /{account} can answer (404
 * account, 429, 503, ...) is added to the OpenAPI document once (openapi-errors.ts), not here.
 */
export function apiErrors(...codes: ReasonCode[]): Record<number, TSchema> {
  return errorResponses('api', codes);
}

/** The same for the connect/ endpoints, in RFC 6749's shape. */
export function oauthErrors(...codes: ReasonCode[]): Record<number, TSchema> {
  return errorResponses('oauth', codes);
}
