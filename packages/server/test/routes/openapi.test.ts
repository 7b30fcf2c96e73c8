import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { docsContentSecurityPolicy, docsPrefix, openapiJsonPath } from '../../src/http/openapi.js';
import { securityHeaderValues } from '../../src/http/security-headers.js';
import { accountNamePattern, checkAccountName } from '../../src/modules/accounts/accounts.js';
import { pathVariants, routerPaths } from '../helpers/app-routes.js';
import { get, request } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface Operation {
  parameters?: { in: string; name: string; required?: boolean }[];
  security?: Record<string, string[]>[];
  responses: Record<string, Response>;
}
interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: { required?: string[]; properties?: Record<string, { enum?: unknown[] }> } }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

const methods = ['get', 'put', 'post', 'delete', 'patch'];

/** `METHOD /path` of every operation of the document. */
function operationsOf(doc: Document): { key: string; method: string; path: string; operation: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, operation })),
  );
}

function isDocsOwn(path: string): boolean {
  return path === openapiJsonPath || path === docsPrefix || path.startsWith(`${docsPrefix}/`);
}

/** The rows of the README's endpoint table, as `METHOD /path`. */
function readmeEndpoints(): string[] {
  const readme = fs.readFileSync(new URL('../../../../../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## Endpoints that work so far$/m)[1]?.split(/^#{2,3} /m)[0];
  assert.ok(section, 'README has no "Endpoints that work so far" section');
  return [...section.matchAll(/^\| `([A-Z]+ \/[^`]*)` \|/gm)].map((match) => match[1]!);
}

function bodySchema(response: Response) {
  return response.content?.['application/json']?.schema;
}

describe('OpenAPI document', () => {
  let t: TestServer;
  let doc: Document;
  const url = (path: string, account: string) => t.url + path.replace('{account}', account).replace(/\{\w+\}/g, 'someone');

  before(async () => {
    t = await startTestServer({ logLevel: 'warn' });
    const res = await get<Document>(`${t.url}${openapiJsonPath}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    doc = res.body;
  });
  after(() => t.close());

  test('GET /openapi.json is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Parameters<Validator['validate']>[0]);
    assert.deepEqual(result.errors, undefined);
    assert.equal(result.valid, true);
    assert.equal(validator.version, '3.1');
  });

  test('it has every route of the app (health and /{account}), and no other', () => {
    const routes = routerPaths(t.server.app).filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return methods.includes(method.toLowerCase()) && !isDocsOwn(path);
    });
    // The routes were read from the router: a few known ones show that the reading works.
    for (const known of ['GET /healthz', 'GET /readyz', 'GET /{account}/users/me', 'POST /{account}/users/register/anonymous']) {
      assert.ok(routes.includes(known), `${known} not among the app's routes ${routes.join(', ')}`);
    }
    // A node shared by differently named parameters stands for several paths (pathVariants).
    const documented = operationsOf(doc).map((op) => op.key);
    for (const route of new Set(routes)) assert.ok(pathVariants(route).some((key) => documented.includes(key)), `${route} is not in the document`);
    for (const key of documented) assert.ok(routes.some((route) => pathVariants(route).includes(key)), `the document has ${key}, which the app lacks`);
    assert.ok(!Object.keys(doc.paths).some(isDocsOwn), 'the docs describe themselves');
    assert.ok(!operationsOf(doc).some((op) => op.path.includes('*')), 'the CORS preflight route is documented');
  });

  test('every operation under /{account} has its path parameters and the errors its shared hooks answer', () => {
    const accountOps = operationsOf(doc).filter((op) => op.path.startsWith('/{account}/'));
    assert.ok(accountOps.length > 0);
    for (const { key, method, path, operation } of accountOps) {
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        assert.ok(operation.parameters?.some((p) => p.in === 'path' && p.name === name && p.required), `${key}: no path parameter ${name}`);
      }
      const expected: Record<string, string[]> = { 404: ['account_not_found'], 429: ['api_limit_exceeded'], 503: ['store_unavailable', 'shutting_down'] };
      if (method === 'POST') Object.assign(expected, { 400: ['body_malformed'], 413: ['body_too_large'], 415: ['unsupported_media_type'] });
      for (const [status, codes] of Object.entries(expected)) {
        const response = operation.responses[status];
        assert.ok(response, `${key}: no ${status} response`);
        const schema = bodySchema(response);
        for (const code of codes) {
          assert.match(response.description, new RegExp(`\`${code}\``), `${key} ${status}: ${code} not described`);
          // A route's own `code` may be any string; an enum of codes must hold this one.
          const codes = schema?.properties?.code?.enum;
          assert.ok(codes === undefined || codes.includes(code), `${key} ${status}: ${code} not in the body's code enum`);
        }
        const shape = path.startsWith('/{account}/connect/') ? ['error', 'error_description', 'code'] : ['statusCode', 'code', 'message'];
        assert.deepEqual([...(schema?.required ?? [])].sort(), shape.sort(), `${key} ${status}: body shape`);
      }
      assert.ok(operation.responses['429']!.headers?.['retry-after'], `${key}: 429 without Retry-After`);
      assert.equal(operation.responses['401'] !== undefined, operation.security !== undefined, `${key}: 401 and security disagree`);
    }
    assert.ok(doc.paths['/{account}/users/me']?.get?.responses['401'], 'GET /{account}/users/me documents no 401');
    assert.equal(doc.paths['/{account}/users/{username}/exists']?.get?.responses['401'], undefined);
  });

  test('what it says of unknown accounts and missing tokens is what the server answers', async () => {
    for (const { key, method, path, operation } of operationsOf(doc).filter((op) => op.path.startsWith('/{account}/'))) {
      const unknown = await request(url(path, 'no-such-account'), { method });
      assert.equal(unknown.status, 404, key);
      assert.equal(unknown.body.code, 'account_not_found', key);
      assert.deepEqual(Object.keys(unknown.body).sort(), [...bodySchema(operation.responses['404']!)!.required!].sort(), key);

      // No token at all: exactly the operations that document a 401 answer one.
      const anonymous = await request(url(path, t.account), { method });
      assert.equal(anonymous.status === 401, operation.responses['401'] !== undefined, `${key} answered ${anonymous.status}`);
      if (anonymous.status === 401) {
        assert.equal(anonymous.body.code, 'unauthorized');
        assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
      }
    }
  });

  test('what it says of body content types is what the server answers', async () => {
    const bodyOps = operationsOf(doc).filter((op) => op.operation.responses['415'] && op.operation.responses['401'] === undefined);
    assert.ok(bodyOps.length > 0);
    for (const { key, path } of bodyOps) {
      const res = await request(url(path, t.account), { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<x/>' });
      assert.equal(res.status, 415, key);
      assert.equal(res.body.code, 'unsupported_media_type', key);
    }
  });

  test("the README's endpoint table lists every operation of the document, and nothing it lacks", () => {
    const rows = readmeEndpoints();
    const documented = operationsOf(doc).map((op) => op.key);
    for (const key of documented) assert.ok(rows.includes(key), `README lacks \`${key}\``);
    for (const row of rows) {
      const path = row.split(' ')[1]!;
      if (isDocsOwn(path)) continue;
      assert.ok(documented.includes(row), `README lists \`${row}\`, which the document lacks`);
    }
    assert.ok(rows.includes(`GET ${openapiJsonPath}`) && rows.includes(`GET ${docsPrefix}`), 'README lacks the documentation routes');
  });

  test('no account can take the name of a top-level route (docs, healthz, ...)', () => {
    const firstSegments = new Set(routerPaths(t.server.app).map((route) => route.split(' ')[1]!.split('/')[1] ?? ''));
    assert.ok(firstSegments.has('docs') && firstSegments.has('openapi.json') && firstSegments.has('healthz'), [...firstSegments].join(', '));
    for (const segment of firstSegments) {
      if (segment === '{account}' || !new RegExp(accountNamePattern).test(segment)) continue;
      assert.throws(() => checkAccountName(segment), /reserved/, segment);
    }
  });

  test("only the docs' pages get the docs' content security policy", async () => {
    const strict = securityHeaderValues(false)['content-security-policy'];
    for (const path of [docsPrefix, `${docsPrefix}/`, `${docsPrefix}/static/swagger-ui-bundle.js`, `${docsPrefix}/static/swagger-initializer.js`]) {
      const res = await fetch(t.url + path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-security-policy'), docsContentSecurityPolicy, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      await res.arrayBuffer();
    }
    for (const path of [openapiJsonPath, '/healthz', `/${t.account}/users/someone/exists`, `/${t.account}/users/me`]) {
      const res = await get(t.url + path);
      assert.equal(res.headers.get('content-security-policy'), strict, path);
    }
  });
});
