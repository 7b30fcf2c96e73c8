import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { access } from '../../src/http/access.js';
import { registerOpenapi } from '../../src/http/openapi.js';
import '../../src/http/request.js';

/**
 * The document's transform on routes shaped as the modules declare them (TypeBox params and
 * responses, their own error responses, a permission), which the app does not all have yet.
 */
async function documentOf(): Promise<any> {
  const app = Fastify();
  registerOpenapi(app);
  app.register(
    async (scope) => {
      scope.get(
        '/users/:username',
        {
          config: { access: access.public },
          schema: {
            params: Type.Object({ username: Type.String({ description: 'A username.' }) }),
            response: {
              200: Type.Object({ exists: Type.Boolean() }, { description: 'Whether the user exists.' }),
              400: Type.Object(
                { statusCode: Type.Integer(), code: Type.String({ enum: ['username_required'] }), message: Type.String() },
                { description: '- `username_required`: Username is required.' },
              ),
            },
          },
        },
        async () => ({ exists: false }),
      );
      scope.post(
        '/connect/token',
        {
          config: { access: access.public },
          schema: { response: { 429: Type.Object({ code: Type.String() }, { description: '`login_throttled`: too many failures.' }) } },
        },
        async () => ({}),
      );
      scope.delete('/roles/:role', { config: { access: access.permission('roles', 'delete', 'unauthorized') } }, async () => ({}));
    },
    { prefix: '/:account' },
  );
  await app.ready();
  const res = await app.inject({ url: '/openapi.json' });
  await app.close();
  return res.json();
}

test("a route's own responses keep their words and gain the reasons its hooks answer", async () => {
  const doc = await documentOf();
  const exists = doc.paths['/{account}/users/{username}'].get;
  assert.deepEqual(exists.parameters.map((p: any) => [p.name, p.in, p.required]), [['account', 'path', true], ['username', 'path', true]]);
  assert.equal(exists.parameters[1].description, 'A username.');
  assert.equal(exists.responses['200'].description, 'Whether the user exists.');
  assert.match(exists.responses['404'].description, /`account_not_found`: Account not found\./);
  // Declared 400: its reason first, then field_invalid, as its text parameter is refused with
  // U+0000 (http/text-fields.ts); nothing of a body (a GET takes none).
  assert.equal(exists.responses['400'].description, '- `username_required`: Username is required.\n- `field_invalid`: A field has the wrong type.');
  assert.equal(exists.security, undefined);
  assert.equal(exists.responses['401'], undefined);

  const token = doc.paths['/{account}/connect/token'].post;
  const throttled = token.responses['429'];
  assert.match(throttled.description, /^`login_throttled`: too many failures\.\n- `api_limit_exceeded` \(`temporarily_unavailable`\): You have either hit/);
  assert.ok(throttled.headers['retry-after']);
  assert.deepEqual(token.responses['415'].content['application/json'].schema.required, ['error', 'error_description', 'code']);
  assert.ok(token.responses['200'], 'the success response is gone');
});

test('a route that needs a permission documents the bearer scheme and its refusal, once', async () => {
  const doc = await documentOf();
  const remove = doc.paths['/{account}/roles/{role}'].delete;
  assert.deepEqual(remove.security, [{ bearer: [] }]);
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  // The declared refusal here is `unauthorized` (401), so it joins the 401 once.
  assert.equal(remove.responses['401'].description, '- `unauthorized`: User is not authorized to make call.');
  assert.ok(remove.responses['401'].headers['www-authenticate']);
  assert.deepEqual(remove.parameters.map((p: any) => p.name), ['account', 'role']);
});
