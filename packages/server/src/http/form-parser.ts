import type { FastifyInstance } from 'fastify';

/**
 * application/x-www-form-urlencoded into a plain object without a prototype. A repeated
 * parameter becomes a list, so the token endpoint can refuse it (RFC 6749 §3.2).
 */
export function registerFormParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const params: Record<string, string | string[]> = Object.create(null);
    for (const [name, value] of new URLSearchParams(body as string)) {
      const existing = params[name];
      if (existing === undefined) params[name] = value;
      else params[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    done(null, params);
  });
}
