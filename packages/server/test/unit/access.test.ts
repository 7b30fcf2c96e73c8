import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { access, enforceAccess, MissingAccessDeclaration, type PermissionCheck } from '../../src/http/access.js';
import { ApiError } from '../../src/errors.js';
import '../../src/http/request.js';

/** A Fastify app with enforceAccess on a scope, as app.ts sets it up, and the routes a test gives. */
function appWith(routes: (scope: import('fastify').FastifyInstance) => void, allows: PermissionCheck = () => false) {
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    const status = error instanceof ApiError ? error.status : 500;
    return reply.code(status).send({ code: error instanceof ApiError ? error.code : 'other' });
  });
  app.register(async (scope) => {
    enforceAccess(scope, {
      authenticate: async (request) => {
        if (request.headers.authorization !== 'Bearer ok') throw new ApiError('unauthorized');
      },
      allows,
    });
    routes(scope);
  });
  return app;
}

describe('declared access', () => {
  test('a route that declares no access stops the app from starting', async () => {
    const app = appWith((scope) => {
      scope.get('/declared', { config: { access: access.public } }, async () => ({}));
      scope.get('/forgotten', async () => ({}));
    });
    await assert.rejects(async () => {
      await app.ready();
    }, (error: unknown) => {
      assert.ok(error instanceof MissingAccessDeclaration);
      assert.match(error.message, /GET \/forgotten declares no access/);
      return true;
    });
  });

  test('public, signed-in and permission routes are enforced before the handler runs', async () => {
    const seen: string[] = [];
    const app = appWith(
      (scope) => {
        scope.get('/open', { config: { access: access.public } }, async () => seen.push('open') && {});
        scope.get('/mine', { config: { access: access.signedIn } }, async () => seen.push('mine') && {});
        scope.post('/roles', { config: { access: access.permission('roles', 'create', 'unauthorized') } }, async () => seen.push('roles') && {});
      },
      () => false,
    );
    assert.equal((await app.inject({ url: '/open' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/mine' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/mine', headers: { authorization: 'Bearer ok' } })).statusCode, 200);
    // Refused before the body is parsed: a malformed body does not change the answer.
    const roles = await app.inject({ method: 'POST', url: '/roles', headers: { authorization: 'Bearer ok', 'content-type': 'application/json' }, payload: '{' });
    assert.equal(roles.statusCode, 401);
    assert.deepEqual(seen, ['open', 'mine']);
  });

  test('a permission route runs when the check allows the permissible it names', async () => {
    const asked: string[] = [];
    const app = appWith(
      (scope) => {
        scope.get('/meshes/:mesh', { config: { access: access.permission((request) => `meshes.${(request.params as { mesh: string }).mesh}`, 'read', 'unauthorized') } }, async () => ({ ok: true }));
      },
      (_request, permissible, action) => {
        asked.push(`${permissible}:${action}`);
        return permissible === 'meshes.person';
      },
    );
    const headers = { authorization: 'Bearer ok' };
    assert.equal((await app.inject({ url: '/meshes/person', headers })).statusCode, 200);
    assert.equal((await app.inject({ url: '/meshes/other', headers })).statusCode, 401);
    assert.equal((await app.inject({ url: '/meshes/person' })).statusCode, 401);
    assert.deepEqual(asked, ['meshes.person:read', 'meshes.other:read']);
  });
});
