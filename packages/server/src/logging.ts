/**
 * pino settings for Fastify's logger. Request bodies are never logged; the fields that can carry
 * secrets are redacted anyway, in case a log call ever includes them.
 */
export const redactedPaths = [
  'password',
  'newPassword',
  'refresh_token',
  'access_token',
  'token',
  'client_secret',
  '*.password',
  '*.newPassword',
  '*.refresh_token',
  '*.access_token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

export function loggerOptions(level: string, stream?: NodeJS.WritableStream) {
  return {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      // Only the path: a query string is where a careless client puts a token.
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, path: req.url.split('?')[0], ip: req.ip }),
    },
    ...(stream && { stream }),
  };
}
