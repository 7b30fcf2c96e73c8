import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { validatorCompiler } from '../../src/http/validation.js';
import type { AppRoute } from '../helpers/app-routes.js';
import { plainPath, queryOf } from './route-inputs.js';
import { nearlyValidFor, validFor } from './schema.js';

/**
 * The fuzz suite makes inputs from a route's schema (schema.ts) so that cases get past validation
 * to the handler. Whether they do is the app's validator's to say: a route declaring TypeBox
 * schemas, as the app's routes do, checked by the app's validatorCompiler, answers 200 only to
 * what passes.
 */
const schema = {
  params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
  querystring: Type.Object({
    limit: Type.Integer({ minimum: 1, maximum: 100 }),
    q: Type.Optional(Type.String({ maxLength: 10 })),
    tag: Type.Optional(Type.Array(Type.String())),
    deep: Type.Optional(Type.Boolean()),
  }),
  body: Type.Object(
    {
      username: Type.String({ minLength: 3, maxLength: 20 }),
      age: Type.Integer({ minimum: 0, maximum: 150 }),
      score: Type.Optional(Type.Number()),
      active: Type.Optional(Type.Boolean()),
      kind: Type.Optional(Type.Literal('person')),
      plan: Type.Optional(Type.Enum(['free', 'paid'])),
      code: Type.Optional(Type.String({ pattern: '^[a-z]{2}[0-9]{2}$' })),
      email: Type.Optional(Type.String({ format: 'email' })),
      since: Type.Optional(Type.String({ format: 'date-time' })),
      ref: Type.Optional(Type.String({ format: 'uuid' })),
      note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      roles: Type.Array(
        Type.Object({ name: Type.String({ minLength: 1 }), level: Type.Optional(Type.Union([Type.Integer(), Type.String({ maxLength: 2 })])) }),
        { minItems: 1, maxItems: 3 },
      ),
    },
    { additionalProperties: false },
  ),
};
const route: AppRoute = { key: 'POST /things/:id', method: 'POST', url: '/things/:id', schema };
const SAMPLES = { numRuns: 200, seed: 42 };

describe('fuzz inputs made from a route schema', () => {
  let app: FastifyInstance;
  before(async () => {
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.post(route.url, { schema }, async () => ({ ok: true }));
    await app.ready();
  });
  after(() => app.close());

  const send = (target: string, body: unknown) => app.inject({ method: 'POST', url: target, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  test('valid values pass validation: params, query and body', async () => {
    const path = plainPath(route, {});
    assert.match(path, /^\/things\/\d+$/);
    const refused: string[] = [];
    for (const [query, body] of fc.sample(fc.tuple(validFor(schema.querystring).map(queryOf), validFor(schema.body)), SAMPLES)) {
      const answer = await send(`${path}${query}`, body);
      if (answer.statusCode !== 200) refused.push(`${query} ${JSON.stringify(body)}: ${answer.body}`);
    }
    assert.deepEqual(refused, []);
  });

  test('nearly valid bodies are refused often: what breaks them is one property, deep or not', async () => {
    let refused = 0;
    for (const body of fc.sample(nearlyValidFor(schema.body), SAMPLES)) {
      const answer = await send(`/things/1?limit=1`, body);
      assert.ok(answer.statusCode === 200 || answer.statusCode === 400, answer.body);
      if (answer.statusCode === 400) refused += 1;
    }
    // Not all: a left-out property may be optional, an odd value may happen to fit.
    assert.ok(refused > SAMPLES.numRuns / 2 && refused < SAMPLES.numRuns, `${refused} of ${SAMPLES.numRuns} refused`);
  });
});
