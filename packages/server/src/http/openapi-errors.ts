import type { RouteOptions } from 'fastify';
import { ApiError, type ReasonCode } from '../errors.js';
import type { Access } from './access.js';
import { nulFinderFor } from './text-fields.js';

type JsonSchema = Record<string, unknown>;

/** @fastify/swagger's key for a response's description that is not also the body schema's. */
const responseDescription = 'x-response-description';

/** The two error bodies (errors.ts): MeshyDB's on the API, RFC 6749's on `connect/`. */
export type ErrorShape = 'api' | 'oauth';

const accountPrefix = '/:account/';
const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The errors a route under /{account} can answer without declaring them, because shared hooks
 * answer them: the account hook (unknown account, API limit, the store behind both), the refusal
 * while shutting down (shutdown.ts), body parsing, and the access hooks (access.ts). Grouped by
 * status, in errors.ts's order.
 */
export function undeclaredErrors(route: Pick<RouteOptions, 'method' | 'url' | 'config' | 'schema'>): Map<number, ReasonCode[]> {
  const codes: ReasonCode[] = [];
  if (route.url.startsWith(accountPrefix)) {
    codes.push('account_not_found', 'api_limit_exceeded', 'store_unavailable', 'shutting_down');
    if (takesBody(route)) codes.push('body_malformed', 'body_too_large', 'unsupported_media_type');
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (access && access.kind !== 'public') codes.push('unauthorized');
    if (access?.kind === 'permission') codes.push(access.forbidden);
    // A declared string that holds U+0000 (text-fields.ts), in whichever part.
    const schema = route.schema as Record<string, unknown> | undefined;
    if (['body', 'querystring', 'params'].some((part) => schema?.[part] !== undefined && nulFinderFor(schema[part]) !== undefined)) codes.push('field_invalid');
  }
  const byStatus = new Map<number, ReasonCode[]>();
  for (const code of new Set(codes)) {
    const { status } = new ApiError(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

export function errorShapeOf(url: string): ErrorShape {
  return url.startsWith(`${accountPrefix}connect/`) ? 'oauth' : 'api';
}

function takesBody(route: Pick<RouteOptions, 'method' | 'schema'>): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return route.schema?.body !== undefined || methods.some((method) => bodyMethods.has(method.toUpperCase()));
}

/** One Markdown line per reason: its stable code, the OAuth `error` where it applies, and the sentence. */
export function describeReasons(codes: readonly ReasonCode[], shape: ErrorShape): string {
  return codes
    .map((code) => {
      const error = new ApiError(code);
      return shape === 'oauth' ? `- \`${code}\` (\`${error.oauthError}\`): ${error.reason}` : `- \`${code}\`: ${error.reason}`;
    })
    .join('\n');
}

/** A response schema (Fastify's `schema.response[status]` form) for reasons that share a status. */
export function errorResponseSchema(codes: readonly ReasonCode[], shape: ErrorShape): JsonSchema {
  const errors = codes.map((code) => new ApiError(code));
  const status = errors[0]!.status;
  const codeSchema = { type: 'string', enum: codes, description: 'Stable machine-readable name of the case.' };
  const body =
    shape === 'oauth'
      ? {
          type: 'object',
          required: ['error', 'error_description', 'code'],
          properties: {
            error: { type: 'string', enum: [...new Set(errors.map((error) => error.oauthError))], description: 'RFC 6749 error code.' },
            error_description: { type: 'string', description: "MeshyDB's documented sentence." },
            code: codeSchema,
          },
        }
      : {
          type: 'object',
          required: ['statusCode', 'code', 'message'],
          properties: {
            statusCode: { type: 'integer', enum: [status] },
            code: codeSchema,
            message: { type: 'string', description: "MeshyDB's documented sentence." },
          },
        };
  return { [responseDescription]: describeReasons(codes, shape), ...body, ...headersFor(status) };
}

/** The headers our error answers carry by status (errors.ts's callers set them). */
function headersFor(status: number): JsonSchema {
  if (status === 429 || status === 503) {
    return { headers: { 'retry-after': { type: 'integer', description: 'Seconds to wait before trying again.' } } };
  }
  if (status === 401) {
    return { headers: { 'www-authenticate': { type: 'string', description: '`Bearer`, with `error="invalid_token"` when a token was given.' } } };
  }
  return {};
}

/**
 * Adds reasons to a response a route declared itself: lines for the codes its description does
 * not name yet, the codes to its `code` enum when it has one, and our headers when it has none.
 */
export function mergeErrorResponse(declared: JsonSchema, codes: readonly ReasonCode[], shape: ErrorShape): JsonSchema {
  const key = typeof declared[responseDescription] === 'string' ? responseDescription : 'description';
  const description = typeof declared[key] === 'string' ? declared[key] : '';
  const missing = codes.filter((code) => !new RegExp(`\\b${code}\\b`).test(description));
  if (missing.length === 0) return declared;
  const merged: JsonSchema = { ...declared, [key]: [description, describeReasons(missing, shape)].filter(Boolean).join('\n') };
  const properties = declared.properties as Record<string, JsonSchema> | undefined;
  const codeEnum = properties?.code?.enum;
  if (properties && Array.isArray(codeEnum)) {
    merged.properties = { ...properties, code: { ...properties.code, enum: [...new Set([...codeEnum, ...missing])] } };
  }
  if (declared.headers === undefined) Object.assign(merged, headersFor(new ApiError(codes[0]!).status));
  return merged;
}
