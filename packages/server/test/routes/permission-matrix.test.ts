import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import type { Access, Action } from '../../src/http/access.js';
import { allows, parentOf } from '../../src/modules/roles/permissions.js';
import { reasons } from '../../src/errors.js';
import { appRoutes, type AppRoute } from '../helpers/app-routes.js';
import { request } from '../helpers/http.js';
import { giveRole, grantsOf, signedInUser } from '../helpers/roles.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login } from '../helpers/tokens.js';

type Persona = 'no token' | 'anonymous' | 'plain user' | 'exact permission' | 'parent permissible' | 'sibling permissible' | 'admin';

const DUMMY_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
/** A value for each path parameter: ids are well-formed but name nothing; a mesh is `person`. */
const paramValue = (name: string) => (name === 'account' ? 'test' : name === 'mesh' ? 'person' : DUMMY_ID);
const alpha = (text: string) => text.replace(/(^|[^A-Za-z])([A-Za-z])/g, (_m, _s, c: string) => c.toUpperCase()).replace(/[^A-Za-z]/g, '');

/**
 * Every route of the app, from its own access declaration, against every kind of caller: the
 * expected answer is derived from the declaration and the account's default permissions, so a
 * new route is in the matrix the moment it exists. "Allowed" means the answer is neither 401
 * nor 403 (a 400 or 404 for the dummy input is fine): the access check let it through.
 */
describe('permission matrix: every route x every kind of caller', () => {
  let t: TestServer;
  let routes: AppRoute[];
  const tokens = new Map<string, string>();
  let defaults: Parameters<typeof allows>[0];

  before(async () => {
    t = await startTestServer({ logLevel: 'warn' });
    routes = (await appRoutes(t)).filter((route) => route.url.startsWith('/:account/') && route.method !== 'OPTIONS' && route.method !== 'HEAD');
    defaults = (await t.server.store.accounts.findByName('test'))!.settings.defaultPermissions;
    tokens.set('anonymous', (await login(t)).access_token);
    tokens.set('plain user', await signedInUser(t, 'matrix_plain'));
    tokens.set('admin', await signedInUser(t, 'matrix_admin'));
    await giveRole(t, 'matrix_admin', 'MatrixAdmin', grantsOf({ meshes: 'crud', projections: 'crud', roles: 'crud', users: 'crud' }));
    tokens.set('sibling permissible', await signedInUser(t, 'matrix_sibling'));
    await giveRole(t, 'matrix_sibling', 'MatrixSibling', grantsOf({ 'meshes.other': 'crud' }));
  });
  after(() => t.close());

  /** A user holding exactly one permission, made once per (permissible, action). */
  async function holderOf(permissible: string, action: Action): Promise<string> {
    const key = `${permissible}:${action}`;
    let token = tokens.get(key);
    if (!token) {
      const name = `${alpha(permissible)}${alpha(action)}`;
      token = await signedInUser(t, `holder_${name.toLowerCase()}`);
      await giveRole(t, `holder_${name.toLowerCase()}`, `Holder${name}`, grantsOf({ [permissible]: action[0]! }));
      tokens.set(key, token);
    }
    return token;
  }

  function urlOf(route: AppRoute): { path: string; params: Record<string, string> } {
    const params: Record<string, string> = {};
    const path = route.url.replace(/:(\w+)/g, (_m, name: string) => (params[name] = paramValue(name)));
    return { path, params };
  }

  async function send(route: AppRoute, token: string | undefined) {
    const { path } = urlOf(route);
    const hasBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method);
    const form = path.includes('/connect/');
    return request(`${t.url}${path}`, {
      method: route.method,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(hasBody && { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' }),
      },
      body: hasBody ? (form ? '' : '{}') : undefined,
    });
  }

  test('the matrix covers every route under /{account}', () => {
    assert.ok(routes.length >= 20, `only ${routes.length} routes`);
    for (const route of routes) assert.ok((route.config as { access?: Access }).access, `${route.key} declares no access`);
  });

  test('each route answers each caller as its declaration says', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const declared = (route.config as { access: Access }).access;
      const personas: [Persona, string | undefined, boolean][] = [];
      if (declared.kind === 'public') {
        for (const p of ['no token', 'anonymous', 'plain user', 'admin'] as const) personas.push([p, tokens.get(p), true]);
      } else if (declared.kind === 'signed-in') {
        personas.push(['no token', undefined, false]);
        for (const p of ['anonymous', 'plain user', 'admin'] as const) personas.push([p, tokens.get(p), true]);
      } else {
        const permissible = typeof declared.permissible === 'string' ? declared.permissible : declared.permissible({ params: urlOf(route).params } as unknown as FastifyRequest);
        const byDefault = allows(defaults, permissible, declared.action);
        personas.push(['no token', undefined, false]);
        personas.push(['anonymous', tokens.get('anonymous'), byDefault]);
        personas.push(['plain user', tokens.get('plain user'), byDefault]);
        personas.push(['exact permission', await holderOf(permissible, declared.action), true]);
        const parent = parentOf(permissible);
        if (parent) personas.push(['parent permissible', await holderOf(parent, declared.action), true]);
        if (permissible !== 'meshes.other') personas.push(['sibling permissible', tokens.get('sibling permissible'), byDefault]);
        personas.push(['admin', tokens.get('admin'), true]);
      }
      for (const [persona, token, allowed] of personas) {
        const res = await send(route, token);
        const refused = res.status === 401 || res.status === 403;
        if (allowed === refused) failures.push(`${route.key} as ${persona}: ${res.status} ${JSON.stringify(res.body)}, expected ${allowed ? 'allowed' : 'refused'}`);
        if (!allowed && token === undefined && res.status !== 401) failures.push(`${route.key} without a token: ${res.status}, expected 401`);
        if (!allowed && token !== undefined && declared.kind === 'permission') {
          const sentence = reasons[declared.forbidden].reason;
          if (res.status !== 403 || res.body.message !== sentence) failures.push(`${route.key} as ${persona}: ${res.status} ${res.body.message}, expected 403 "${sentence}"`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });
});
