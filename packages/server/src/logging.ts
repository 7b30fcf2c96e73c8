/** Fields that carry a password or a token wherever they appear in a log call. */
const secretFields = [
  'password',
  'newPassword',
  'previousPassword',
  'refresh_token',
  'access_token',
  'token',
  'client_secret',
  // Recovery and verification: the code, the answer, the request's MAC.
  'verificationCode',
  'hash',
  'answer',
  'securityQuestions',
];
/** Objects a log call might carry them in: a request body, params or query, a user, an error. */
const secretHolders = ['body', 'params', 'query', 'user', 'err'];

/**
 * pino settings for Fastify's logger. Request bodies are never logged; the fields that can carry
 * secrets are redacted anyway, in case a log call ever includes them. The paths are spelled out
 * rather than `*.password`: a path that starts with a wildcard makes pino run its redaction over
 * every value of every log line and every child logger's bindings, which cost ~4 µs a request
 * (a child logger per request, and a log line per request at `info`); named holders cost nothing
 * on the lines that have none.
 */
export const redactedPaths = [
  ...secretFields,
  ...secretHolders.flatMap((holder) => secretFields.map((field) => `${holder}.${field}`)),
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
