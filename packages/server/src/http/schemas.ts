import { Type, type TSchema } from 'typebox';
import { reasons, type ReasonCode } from '../errors.js';

/** A string that may also be null, as MeshyDB's JSON has many. */
export const NullableString = (options: { maxLength?: number; description?: string } = {}) =>
  Type.Union([Type.String({ maxLength: options.maxLength }), Type.Null()], { description: options.description });

const apiErrorBody = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String({ description: 'Stable machine-readable name of the case.' }),
  message: Type.String({ description: "MeshyDB's documented sentence." }),
});

const oauthErrorBody = Type.Object({
  error: Type.String({ description: 'RFC 6749 error code.' }),
  error_description: Type.String({ description: "MeshyDB's documented sentence." }),
  code: Type.String({ description: 'Stable machine-readable name of the case.' }),
});

/** One line per reason, for an error response's description: `code`: sentence. */
export function describeReasons(codes: readonly ReasonCode[]): string {
  return codes.map((code) => `- \`${code}\`: ${reasons[code].reason}`).join('\n');
}

function errorResponses(body: TSchema, codes: readonly ReasonCode[]): Record<number, TSchema> {
  const byStatus = new Map<number, ReasonCode[]>();
  for (const code of codes) {
    const status = reasons[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, { ...body, description: describeReasons(list) }]));
}

/**
 * The error responses a route answers itself, by status, each described by its reasons: the
 * MeshyDB body `{statusCode, code, message}`. What every route under /{account} can answer (404
 * account, 429, 503, ...) is added to the OpenAPI document once, not here.
 */
export function apiErrors(...codes: ReasonCode[]): Record<number, TSchema> {
  return errorResponses(apiErrorBody, codes);
}

/** The same for the connect/ endpoints, in RFC 6749's shape. */
export function oauthErrors(...codes: ReasonCode[]): Record<number, TSchema> {
  return errorResponses(oauthErrorBody, codes);
}
