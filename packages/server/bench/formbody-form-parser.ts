import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';

/**
 * The form parser of @fastify/formbody (its default, fast-querystring), in place of
 * src/http/form-parser.ts: bench/formbody-hooks.ts resolves that module to this one. It says so on
 * stderr, so the bench can tell which parser a server runs.
 */
export function registerFormParser(app: FastifyInstance): void {
  process.stderr.write('[bench] form parser: @fastify/formbody\n');
  void app.register(formbody);
}
