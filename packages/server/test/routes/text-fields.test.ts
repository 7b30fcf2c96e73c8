import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ANY_CHARACTER } from '../../src/http/schemas.js';
import { appRoutes, type AppRoute } from '../helpers/app-routes.js';
import { get, postForm, postJson, request } from '../helpers/http.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { giveRole, grantsOf, relogin, signedInUser } from '../helpers/roles.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { passwordGrant, passwordUser } from '../helpers/tokens.js';

type Schema = Record<string, any>;
type Part = 'params' | 'querystring' | 'body';

/** One declared string of a route: where it is, and whether the schema lets it hold any character. */
interface TextField {
  part: Part;
  /** The property, and for a list of objects the property of its item. */
  name: string;
  item?: string;
  anyCharacter: boolean;
  /** Its schema's own pattern or literals refuse U+0000 first (with the field's type sentence). */
  patterned: boolean;
}

/** The strings a part's schema declares, one level into lists of objects (security questions, roles, members). */
function textFields(part: Part, schema: Schema | undefined): TextField[] {
  const fields: TextField[] = [];
  const branches = (node: Schema): Schema[] => [node, ...((node.anyOf ?? []) as Schema[]).flatMap(branches)];
  for (const [name, property] of Object.entries((schema?.properties ?? {}) as Record<string, Schema>)) {
    const anyCharacter = property[ANY_CHARACTER] === true;
    const kinds = branches(property);
    const strings = kinds.filter((node) => node.type === 'string');
    if (strings.length > 0) fields.push({ part, name, anyCharacter, patterned: strings.every(refusesNulItself) });
    for (const list of kinds.filter((node) => node.type === 'array' && node.items?.type === 'object')) {
      for (const [item, itemSchema] of Object.entries((list.items.properties ?? {}) as Record<string, Schema>)) {
        const strings = branches(itemSchema).filter((node) => node.type === 'string');
        if (strings.length > 0) {
          fields.push({ part, name, item, anyCharacter: anyCharacter || itemSchema[ANY_CHARACTER] === true, patterned: strings.every(refusesNulItself) });
        }
      }
    }
  }
  return fields;
}

/** A value that fits the item's schema for its other required strings. */
const fillerFor = (schema: Schema | undefined) => Object.fromEntries(((schema?.required ?? []) as string[]).map((name) => [name, 'x']));

/** What a field with U+0000 is answered, when its route does not decide it itself (400 naming the field). */
const ownCodes: Record<string, string> = { orderBy: 'order_by_invalid', mesh: 'mesh_name_invalid' };

/**
 * Every route's declared text fields, path and query included, with U+0000: PostgreSQL's text
 * cannot hold it, so each was a 500 there (and stored or looked up on SQLite). Now each is a 400
 * naming the field on both stores, and nothing is stored; fields marked ANY_CHARACTER (passwords,
 * answers, tokens, query documents, names the route checks itself) get the route's own answer, never a 500.
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`U+0000 in request fields (${kind})`, () => {
    let t: TestServer;
    let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    let token: string;
    let routes: AppRoute[];
    const bearer = () => ({ authorization: `Bearer ${token}` });

    before(async () => {
      database = kind === 'postgres' ? await createTestDatabase() : undefined;
      t = await startTestServer({ logLevel: 'warn', databaseUrl: database?.url });
      await signedInUser(t, 'text_admin');
      await giveRole(t, 'text_admin', 'TextAdmin', grantsOf({ meshes: 'crud', projections: 'crud', roles: 'crud', users: 'crud' }));
      token = await relogin(t, 'text_admin');
      routes = (await appRoutes(t)).filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS');
    });
    after(async () => {
      await t.close();
      await database?.drop();
    });

    /** The route's request with U+0000 in one field, every other part as plain as its schema allows. */
    function send(route: AppRoute, field: TextField) {
      const schema = (route.schema ?? {}) as Record<Part, Schema | undefined>;
      const nul = 'a\u0000b';
      const path = route.url.replace(/:(\w+)/g, (_m, name: string) => {
        if (name === 'account') return t.account;
        if (field.part === 'params' && field.name === name) return encodeURIComponent(nul);
        return name === 'mesh' ? 'person' : 'aaaaaaaaaaaaaaaaaaaaaaaa';
      });
      const query = field.part === 'querystring' ? `?${field.name}=${encodeURIComponent(nul)}` : '';
      let body: Record<string, unknown> | undefined;
      if (field.part === 'body') {
        const list = field.item === undefined ? undefined : branchesOf(schema.body!.properties[field.name]).find((node) => node.type === 'array');
        body = { [field.name]: field.item === undefined ? nul : [{ ...fillerFor(list?.items), [field.item]: nul }] };
      }
      const form = route.url.includes('/connect/');
      const sendsBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method) && (body !== undefined || schema.body !== undefined);
      return request(`${t.url}${path}${query}`, {
        method: route.method,
        headers: { ...bearer(), ...(sendsBody && { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' }) },
        body: sendsBody ? (form ? new URLSearchParams((body ?? {}) as Record<string, string>).toString() : JSON.stringify(body ?? {})) : undefined,
      });
    }

    test('every declared text field of every route: U+0000 is a 400 naming the field, or the route\'s own answer, never a 500', async () => {
      let checked = 0;
      let own = 0;
      for (const route of routes) {
        const schema = (route.schema ?? {}) as Record<Part, Schema | undefined>;
        const fields = (['params', 'querystring', 'body'] as const).flatMap((part) => textFields(part, schema[part]));
        for (const field of fields) {
          const res = await send(route, field);
          const where = `${route.key} ${field.part} ${field.name}${field.item ? `[].${field.item}` : ''}: ${res.status} ${JSON.stringify(res.body)}`;
          assert.ok(res.status < 500, where);
          if (field.anyCharacter) {
            own++;
            continue;
          }
          const expected = ownCodes[field.name] ?? 'field_invalid';
          assert.equal(res.status, 400, where);
          assert.equal(res.body.code, expected, where);
          if (expected === 'field_invalid' && !field.patterned) {
            const message = res.body.message ?? res.body.error_description;
            assert.match(message, /must not contain the character U\+0000\.$/, where);
          }
          checked++;
        }
      }
      // The walk found the fields (a schema change that hid them would make this test vacuous).
      assert.ok(checked >= 80, `only ${checked} fields checked`);
      assert.ok(own >= 20, `only ${own} fields of any character`);
    });

    test('registration, user, role and projection writes with U+0000 store nothing', async () => {
      const nul = 'x\u0000y';
      const register = await postJson(`${t.base}/users/register`, { username: 'nul_register', newPassword: 'a long password', firstName: nul });
      assert.deepEqual([register.status, register.body.code], [400, 'field_invalid']);
      assert.equal(register.body.message, 'firstName must not contain the character U+0000.');
      assert.deepEqual((await get(`${t.base}/users/nul_register/exists`)).body, { exists: false });

      const created = await postJson(`${t.base}/users`, { username: 'nul_created', newPassword: 'a long password', securityQuestions: [{ question: nul, answer: 'a' }] }, bearer());
      assert.deepEqual([created.status, created.body.message], [400, 'Security questions must not contain the character U+0000.']);
      assert.deepEqual((await get(`${t.base}/users/nul_created/exists`)).body, { exists: false });

      const me = (await get(`${t.base}/users/me`, bearer())).body;
      const put = await request(`${t.base}/users/${me.id}`, { method: 'PUT', headers: { ...bearer(), 'content-type': 'application/json' }, body: JSON.stringify({ firstName: 'ok', lastName: nul }) });
      assert.deepEqual([put.status, put.body.code], [400, 'field_invalid']);
      assert.deepEqual((await get(`${t.base}/users/me`, bearer())).body, me);

      const role = await postJson(`${t.base}/roles`, { name: 'NulRole', description: nul }, bearer());
      assert.deepEqual([role.status, role.body.message], [400, 'description must not contain the character U+0000.']);
      assert.equal((await get(`${t.base}/roles?name=NulRole`, bearer())).body.totalRecords, 0);

      const projection = await postJson(`${t.base}/projections`, { name: 'nulprojection', mesh: 'person', pipeline: [], description: nul }, bearer());
      assert.deepEqual([projection.status, projection.body.code], [400, 'field_invalid']);
      assert.equal((await get(`${t.base}/projections/nulprojection`, bearer())).status, 404);
    });

    test('passwords and answers may hold U+0000: they are only hashed, and log in as they were set', async () => {
      await passwordUser(t, 'nul_password', 'pass\u0000word');
      assert.equal((await passwordGrant(t, 'nul_password', 'pass\u0000word')).status, 200);
      assert.equal((await passwordGrant(t, 'nul_password', 'pass')).body.code, 'password_invalid');
      // A username with U+0000 names nobody: a 400 in the token endpoint's shape, not a 500.
      const login = await passwordGrant(t, 'nul\u0000password', 'x');
      assert.deepEqual([login.status, login.body.error, login.body.code], [400, 'invalid_request', 'field_invalid']);
      const client = await postForm(`${t.base}/connect/token`, { client_id: `${t.publicKey}\u0000`, grant_type: 'password', username: 'nul_password', password: 'x' });
      assert.deepEqual([client.status, client.body.code], [400, 'field_invalid']);
    });

    test('an account name with U+0000 names no account', async () => {
      for (const path of ['/%00/users/me', '/te%00st/users/register/anonymous']) {
        const res = await get(`${t.url}${path}`);
        assert.deepEqual([res.status, res.body.code], [404, 'account_not_found'], path);
      }
      const token = await postForm(`${t.url}/te%00st/connect/token`, { grant_type: 'password' });
      assert.deepEqual([token.status, token.body.code], [404, 'account_not_found']);
    });
  });
}

/** A string schema that takes only a pattern's text or fixed words (`"true"`). */
const refusesNulItself = (node: Schema) => node.pattern !== undefined || node.const !== undefined || node.enum !== undefined;

function branchesOf(node: Schema): Schema[] {
  return [node, ...((node.anyOf ?? []) as Schema[]).flatMap(branchesOf)];
}
