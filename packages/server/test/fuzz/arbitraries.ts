import fc from 'fast-check';
import type { WireRequest } from './wire.js';

/**
 * Generators of hostile input for the fuzz suite. Each mixes real material (the account's name,
 * a valid client id, live tokens) with garbage, so cases get past the first check often enough to
 * reach the code behind it: a random string is almost never a client id, and a request that
 * dies at "Client id is invalid." tests nothing else.
 */

/** Real values a generator may use or mutate. */
export interface Material {
  /** Accounts that exist. */
  accounts: string[];
  /** Client ids (public keys) that exist. */
  clientIds: string[];
  /** Usernames that exist, with their passwords (`nopassword` for anonymous users). */
  users: { username: string; password: string }[];
  /** Access tokens (JWTs) that were valid when the suite started. */
  accessTokens: string[];
  /** Refresh tokens that were live when the suite started (some get spent during the run). */
  refreshTokens: string[];
  /** The kid of the account's signing key, for forged JWTs that name it. */
  kid: string;
  /**
   * Signs a JWT's `header.payload` with the server's own key (read from its store), for tokens
   * whose signature is good and whose claims are not: the checks after the signature get fuzzed too.
   */
  sign(input: string): string;
}

// ---------------------------------------------------------------- strings

/** Values that have broken parsers, queries and templates somewhere. */
const classics = fc.constantFrom(
  '',
  ' ',
  '\0',
  'a\0b',
  '\ud800',
  'x\udfffy',
  '\uffff',
  '\ufeff',
  '\u202e',
  '😀',
  'é',
  '\r\n',
  '\n',
  '\t',
  '%',
  '%00',
  '%ff',
  '%zz',
  '%c0%af',
  '+',
  '&',
  '=',
  ';',
  '..',
  '../../etc/passwd',
  '/',
  '\\',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  '1e309',
  'NaN',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  "' OR '1'='1",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  'nopassword',
  'meshy.api offline_access',
  'openid',
  'password',
  'refresh_token',
  'Bearer',
);

/** A long run of one unit. Built from a small description, so a failing case prints short. */
export const long = (counts: number[]) =>
  fc
    .record({ unit: fc.constantFrom('a', 'é', '\0', '%', '😀', '.', ' ', '/'), count: fc.constantFrom(...counts) })
    .map(({ unit, count }) => unit.repeat(count));

/** Any string an attacker might send: printable, every code point, control bytes, classics, long runs. */
export const text = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }), weight: 2 },
  { arbitrary: classics, weight: 4 },
  { arbitrary: long([64, 129, 257, 1025, 4097, 20_000]), weight: 1 },
);

/** What a header value may legally hold: anything but control characters (unicode goes as UTF-8 bytes). */
const legal = (value: string) => value.replace(/[\0-\x08\x0a-\x1f\x7f]/g, '');

/** Header values: legal but hostile mostly, now and then with CR, LF or NUL (the parser's problem). */
export const headerValue = fc.oneof({ arbitrary: text.map(legal), weight: 10 }, { arbitrary: text, weight: 1 });

/** Percent-encodes every byte of the UTF-8 form that is not unreserved (lone surrogates included). */
export function pct(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A path segment or query part: properly encoded, or raw (spaces, NULs and all). */
export const segment = fc.oneof({ arbitrary: text.map(pct), weight: 6 }, { arbitrary: text, weight: 1 });

// ---------------------------------------------------------------- tokens

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

/** Mutations of a real token: one character changed, cut short, lengthened, case flipped. */
function mutated(token: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(token, fc.nat(), fc.constantFrom('flip', 'cut', 'grow', 'case', 'dot', 'dup')).map(([value, n, how]) => {
    const at = value.length === 0 ? 0 : n % value.length;
    switch (how) {
      case 'flip':
        return value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
      case 'cut':
        return value.slice(0, at);
      case 'grow':
        return value + value.slice(at);
      case 'case':
        return value.toUpperCase();
      case 'dot':
        return value.slice(0, at) + '.' + value.slice(at);
      default:
        return `${value}${value}`;
    }
  });
}

/** JWT-shaped forgeries: alg none, our kid with a wrong algorithm, random JSON, stolen signatures. */
function forgedJwt(m: Material): fc.Arbitrary<string> {
  const header = fc.oneof(
    fc.constantFrom(
      { alg: 'none' },
      { alg: 'none', typ: 'at+jwt', kid: m.kid },
      { alg: 'EdDSA', typ: 'at+jwt', kid: m.kid },
      { alg: 'HS256', typ: 'at+jwt', kid: m.kid },
      { alg: 'RS256', typ: 'at+jwt', kid: m.kid },
      { alg: 'ES256', typ: 'at+jwt', kid: m.kid },
      { alg: 'EdDSA', typ: 'at+jwt', kid: m.kid, crit: ['exp'] },
      { alg: 'EdDSA', typ: 'JWT', kid: m.kid },
      { alg: 'EdDSA', typ: 'at+jwt', kid: '../../../../dev/null' },
      { alg: 'EdDSA', typ: 'at+jwt', kid: { $ne: null } },
      { alg: 'EdDSA', typ: 'at+jwt', jku: 'http://127.0.0.1:1/jwks', kid: 'x' },
    ),
    fc.record({ alg: text, typ: fc.constantFrom('at+jwt', 'JWT'), kid: fc.oneof(text, fc.constant(m.kid)) }),
    fc.jsonValue(),
  );
  const claims = fc.oneof(
    fc.record({
      iss: fc.oneof(fc.constant(`http://127.0.0.1/${m.accounts[0]}`), text),
      aud: fc.constantFrom('meshy.api', 'other', ['meshy.api']),
      sub: fc.oneof(text, fc.constant('000000000000000000000000')),
      client_id: fc.oneof(fc.constantFrom(...m.clientIds), text),
      exp: fc.oneof(fc.integer(), fc.constantFrom(1e308, -1, 4102444800, '4102444800', null)),
      nbf: fc.oneof(fc.integer(), fc.constant('x')),
      scope: fc.constantFrom('meshy.api', 'meshy.api offline_access', 'admin'),
    }),
    fc.jsonValue(),
  );
  const stolenSignature = fc.constantFrom(...m.accessTokens).map((token) => token.split('.')[2] ?? '');
  const signature = fc.oneof(fc.constant(''), stolenSignature, fc.base64String({ maxLength: 120 }).map((s) => s.replace(/=/g, '')));
  const unsigned = fc.tuple(header, claims, signature).map(([h, c, s]) => `${b64(h)}.${b64(c)}.${s}`);

  // Signed with our key: a real token's header and claims, one claim removed or made hostile.
  const [realHeader, realClaims] = m.accessTokens[0]!.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>) as [
    Record<string, unknown>,
    Record<string, unknown>,
  ];
  const hostileClaims = fc
    .tuple(fc.constantFrom(...Object.keys(realClaims)), fc.oneof(fc.constant(undefined), jsonOdd, fc.integer(), fc.constantFrom(1e308, -1e308, 0)))
    .map(([name, value]) => {
      const claims = { ...realClaims };
      if (value === undefined) delete claims[name];
      else claims[name] = value;
      return claims;
    });
  const signed = fc.tuple(fc.oneof({ arbitrary: fc.constant(realHeader), weight: 4 }, { arbitrary: header, weight: 1 }), fc.oneof(hostileClaims, claims)).map(([h, c]) => {
    const input = `${b64(h)}.${b64(c)}`;
    return `${input}.${m.sign(input)}`;
  });
  return fc.oneof({ arbitrary: unsigned, weight: 2 }, { arbitrary: signed, weight: 1 });
}

/** Anything in a token's place: real, spent, tampered, forged, random, absurdly long. */
export function tokenish(m: Material): fc.Arbitrary<string> {
  const real = fc.constantFrom(...m.accessTokens, ...m.refreshTokens);
  return fc.oneof(
    { arbitrary: real, weight: 4 },
    { arbitrary: mutated(real), weight: 3 },
    { arbitrary: forgedJwt(m), weight: 3 },
    // Three (or some other number of) segments of random base64url.
    { arbitrary: fc.array(fc.base64String({ maxLength: 60 }).map((s) => s.replace(/=/g, '').replace(/\+/g, '-')), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')), weight: 2 },
    // The length and alphabet of a refresh token, but random bytes (version byte 1 included).
    { arbitrary: fc.uint8Array({ minLength: 53, maxLength: 53 }).map((bytes) => Buffer.from([1, ...bytes.subarray(1)]).toString('base64url')), weight: 2 },
    { arbitrary: text, weight: 2 },
    { arbitrary: long([8_193, 16_385, 70_000]), weight: 1 },
  );
}

/** Authorization header values. */
export function authorization(m: Material): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: anyAuthorization(m).map(legal), weight: 10 }, { arbitrary: anyAuthorization(m), weight: 1 });
}

function anyAuthorization(m: Material): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: tokenish(m).map((t) => `Bearer ${t}`), weight: 6 },
    { arbitrary: tokenish(m).map((t) => `bearer    ${t}  `), weight: 1 },
    { arbitrary: fc.tuple(tokenish(m), tokenish(m)).map(([a, b]) => `Bearer ${a} ${b}`), weight: 1 },
    { arbitrary: fc.tuple(text, text).map(([u, p]) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`), weight: 1 },
    { arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Bearer null', 'Bearer undefined', 'Digest x', 'Negotiate', ''), weight: 1 },
    { arbitrary: text, weight: 1 },
  );
}

// ---------------------------------------------------------------- bodies

export interface Body {
  contentType?: string;
  bytes?: Buffer;
}

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/jsonx',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'text/plain',
  'text/html',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/xml',
  '*/*',
  'application/json, text/plain',
  ';;;',
  '',
);

/** A form: names and values, repeats allowed, encoded properly or glued together raw. */
function form(params: fc.Arbitrary<[string, string][]>): fc.Arbitrary<string> {
  return fc.tuple(params, fc.constantFrom('encoded', 'raw', 'semicolons')).map(([pairs, how]) => {
    if (how === 'encoded') return pairs.map(([n, v]) => `${pct(n)}=${pct(v)}`).join('&');
    return pairs.map(([n, v]) => `${n}=${v}`).join(how === 'raw' ? '&' : ';');
  });
}

/** JSON that is not quite JSON, or JSON built to hurt a parser. */
const brokenJson = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"username":',
    '{"a":1,}',
    "{'username':'x'}",
    'NaN',
    '[1,2',
    '{"a":1}{"b":2}',
    '\ufeff{}',
    '{"username":"\\ud800"}',
    '{"username":"\\u0000"}',
    '{"username":"a\\u0000b","newPassword":"pw\\u0000"}',
    '"just a string"',
    '12',
    'null',
    'true',
    '[]',
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"isAdmin":true}}}',
    '{"username":"dup","username":"dup2"}',
    `{"n":1${'0'.repeat(400)}}`,
  ),
  // Deep nesting, with and without a key that makes the parser scan the whole tree.
  fc.record({ depth: fc.constantFrom(100, 10_000, 200_000), proto: fc.boolean(), open: fc.constantFrom('[', '{"a":') }).map(({ depth, proto, open }) => {
    const close = open === '[' ? ']' : '}';
    const inner = `${open.repeat(depth)}1${close.repeat(depth)}`;
    return proto ? `{"__proto__":0,"a":${inner}}` : inner;
  }),
  // A valid document cut anywhere.
  fc.tuple(fc.json(), fc.nat()).map(([json, n]) => json.slice(0, n % (json.length + 1))),
);

/** JSON objects written by hand, so duplicate keys and `__proto__` survive into the text. */
export function jsonObject(keys: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.array(fc.tuple(keys, value), { maxLength: 8 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
}

/** Odd JSON values: wrong types, nulls, big numbers, long strings. */
export const jsonOdd: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: text, weight: 4 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
  { arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, [], {}, ['a'], { $gt: '' }), weight: 2 },
);

/**
 * A body for a given endpoint family: the content type it expects with the body it expects, the
 * wrong pairing (JSON to a form endpoint and the reverse), random bytes, and bodies past the limit.
 */
export function body(options: { form?: fc.Arbitrary<[string, string][]>; json?: fc.Arbitrary<string> }): fc.Arbitrary<Body> {
  const formText = form(options.form ?? fc.array(fc.tuple(text, text), { maxLength: 6 }));
  const jsonText = options.json ?? jsonObject(text, jsonOdd);
  const sized = (s: fc.Arbitrary<string>) => s.map((value) => Buffer.from(value, 'utf8'));
  const payload = fc.oneof(
    { arbitrary: sized(formText), weight: 4 },
    { arbitrary: sized(jsonText), weight: 4 },
    { arbitrary: sized(brokenJson), weight: 2 },
    // A document of any JSON type at the top: null, a number, a string, an array, an object.
    { arbitrary: sized(fc.oneof(fc.jsonValue({ maxDepth: 3 }), jsonOdd).map((value) => JSON.stringify(value))), weight: 2 },
    { arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), weight: 1 },
    // Around the 1 MiB body limit: just under it (parsed, then refused by the handler) and over it (413).
    {
      arbitrary: fc.record({ size: fc.constantFrom(1_000_000, 1_048_577, 1_500_000), shape: fc.constantFrom('json', 'form', 'raw') }).map(({ size, shape }) => {
        if (shape === 'json') return Buffer.from(`{"username":"${'a'.repeat(size)}"}`);
        if (shape === 'form') return Buffer.from(`grant_type=password&username=${'a'.repeat(size)}`);
        return Buffer.alloc(size, 0);
      }),
      weight: 1,
    },
  );
  const type = fc.oneof(
    { arbitrary: fc.constant('application/x-www-form-urlencoded'), weight: 3 },
    { arbitrary: fc.constant('application/json'), weight: 3 },
    { arbitrary: contentTypes, weight: 2 },
    { arbitrary: headerValue, weight: 1 },
  );
  return fc.oneof(
    { arbitrary: fc.record({ contentType: type, bytes: payload }), weight: 8 },
    { arbitrary: fc.record({ contentType: type }), weight: 1 },
    { arbitrary: fc.record({ bytes: payload }), weight: 1 },
  );
}

// ---------------------------------------------------------------- requests

export const methods = fc.oneof(
  { arbitrary: fc.constantFrom('GET', 'POST'), weight: 6 },
  { arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'), weight: 3 },
  // Methods the HTTP parser knows but nothing here routes, and ones it does not know at all.
  { arbitrary: fc.constantFrom('PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'SEARCH', 'QUERY', 'M-SEARCH', 'SOURCE'), weight: 1 },
  { arbitrary: fc.constantFrom('FOO', 'get', 'G ET', 'POST\0', ''), weight: 1 },
);

/** The account part of a path: a real account mostly, anything at all sometimes. */
export function accountSegment(m: Material): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: fc.constantFrom(...m.accounts), weight: 6 }, { arbitrary: segment, weight: 1 });
}

/** A query string: none, or names and values with repeats, encoded or raw. */
export const query = fc.oneof(
  { arbitrary: fc.constant(''), weight: 3 },
  { arbitrary: fc.array(fc.tuple(segment, segment), { maxLength: 5 }).map((pairs) => `?${pairs.map(([n, v]) => `${n}=${v}`).join('&')}`), weight: 2 },
  { arbitrary: fc.constantFrom('?', '??', '?&&', '#x', '?a=1#', '?__proto__[x]=1', '?constructor[prototype][x]=1'), weight: 1 },
);

/** Mostly `usual`, now and then something from `odd`: enough cases must get past routing. */
export const rarely = <T>(odd: fc.Arbitrary<T>, usual: T): fc.Arbitrary<T> => fc.oneof({ arbitrary: fc.constant(usual), weight: 8 }, { arbitrary: odd, weight: 1 });

/** Ways to bend a path that routers have mishandled: slashes, dots, case, absolute form. */
export const pathBend = fc.constantFrom(
  (p: string) => p,
  (p: string) => p,
  (p: string) => p,
  (p: string) => `${p}/`,
  (p: string) => p.replace(/\//g, '//'),
  (p: string) => p.toUpperCase(),
  (p: string) => p.replace(/\/([^/]*)$/, '/./$1'),
  (p: string) => `${p}/..`,
  (p: string) => `http://127.0.0.1${p}`,
  (p: string) => p.replace(/\//g, '%2F'),
  (p: string) => p.slice(1),
);

/** Request headers: the usual suspects with hostile values, random names, repeats. */
export function headers(m: Material, options: { framing?: boolean } = {}): fc.Arbitrary<[string, string][]> {
  const named = fc.oneof(
    { arbitrary: fc.tuple(fc.constant('authorization'), authorization(m)), weight: 4 },
    { arbitrary: fc.tuple(fc.constantFrom('origin', 'accept', 'accept-encoding', 'accept-language', 'cookie', 'user-agent', 'x-request-id', 'if-none-match', 'range', 'referer'), headerValue), weight: 4 },
    { arbitrary: fc.tuple(fc.constant('x-forwarded-for'), fc.constantFrom('1.2.3.4', '::1', 'unknown', '1.2.3.4, 5.6.7.8', '')), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom('content-encoding', 'accept-version', 'x-http-method-override', 'access-control-request-method'), fc.oneof(fc.constantFrom('gzip', 'identity', 'br', '1.0.0', 'DELETE'), headerValue)), weight: 2 },
    { arbitrary: fc.tuple(fc.constant('expect'), fc.constant('100-continue')), weight: 1 },
    { arbitrary: fc.tuple(fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,30}$/), headerValue), weight: 3 },
    // Framing headers that contradict the content-length every request carries: the parser's to
    // refuse, before any handler sees the request, so only where framing is the point.
    { arbitrary: fc.tuple(fc.constantFrom('content-length', 'transfer-encoding'), fc.constantFrom('0', '-1', 'abc', '99999999999999999999', 'chunked')), weight: options.framing ? 2 : 0 },
  );
  return fc.array(named, { maxLength: 4 });
}

/** Attaches a short description to a generated request, so a failing case prints readably. */
export function printable<T extends WireRequest>(request: T): T {
  return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
}

export function describeRequest(request: WireRequest): string {
  const cut = (s: string, n = 300) => (s.length > n ? `${JSON.stringify(s.slice(0, n))}…(${s.length} chars)` : JSON.stringify(s));
  const headerText = request.headers.map(([n, v]) => `${cut(n, 60)}: ${cut(v, 200)}`).join(', ');
  const bodyText = request.body ? cut(request.body.toString('utf8'), 400) : '(none)';
  return `${cut(request.method, 40)} ${cut(request.target)} headers [${headerText}] body ${bodyText}`;
}
