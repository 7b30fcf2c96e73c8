import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeAnswer, normalizeCode, newCode } from '../../src/modules/recovery/codes.js';
import { maskEmail, maskPhone } from '../../src/modules/recovery/hints.js';
import { expiryFrom, formatExpires, macMatches, parseExpires, requestMac, type RequestFacts } from '../../src/modules/recovery/request.js';
import { retryDelay } from '../../src/modules/outbox/delivery-loop.js';
import { render, templateFor } from '../../src/modules/outbox/templates.js';

const instant = Date.UTC(2026, 11, 1, 10, 0, 0);

test('expires: any unambiguous spelling of the instant; ambiguous or impossible dates are refused', () => {
  const cases: [string, number | undefined][] = [
    ['2026-12-01T10:00:00.000Z', instant],
    ['2026-12-01T10:00:00Z', instant],
    ['2026-12-01T10:00:00', instant],
    ['2026-12-01 10:00:00Z', instant],
    ['2026-12-01T11:00:00+01:00', instant],
    ['2026-12-01T05:00:00-0500', instant],
    ['2026-12-01T10:00:00.0000000+00:00', instant],
    ['Tue, 01 Dec 2026 10:00:00 GMT', instant],
    ['1/1/1900', Date.UTC(1900, 0, 1)],
    ['12/25/2026', Date.UTC(2026, 11, 25)],
    ['25/12/2026', Date.UTC(2026, 11, 25)],
    ['12/25/2026 10:00 PM', Date.UTC(2026, 11, 25, 22)],
    ['3/4/2026', undefined],
    ['2026-02-31T00:00:00Z', undefined],
    ['2026-13-01T00:00:00Z', undefined],
    ['tomorrow', undefined],
    ['1733047200000', undefined],
    ['', undefined],
  ];
  for (const [raw, expected] of cases) assert.equal(parseExpires(raw), expected, raw);
});

test('expiry: an hour on, to the next whole second, written with milliseconds in UTC', () => {
  assert.equal(formatExpires(expiryFrom(instant + 1)), '2026-12-01T11:00:01.000Z');
  assert.equal(formatExpires(expiryFrom(instant)), '2026-12-01T11:00:00.000Z');
});

test('the MAC covers every fact: changing any one of them breaks it', () => {
  const secret = Buffer.alloc(32, 1);
  const facts: RequestFacts = { accountId: 'a', userId: 'u', purpose: 'reset', attempt: 1, expires: instant, code: '123456', stamp: 's' };
  const hash = requestMac(secret, facts);
  assert.ok(macMatches(secret, facts, hash));
  // Milliseconds are not covered: a client that drops them sends the same request.
  assert.ok(macMatches(secret, { ...facts, expires: instant + 999 }, hash));
  const changes: Partial<RequestFacts>[] = [
    { accountId: 'b' },
    { userId: 'v' },
    { purpose: 'verify' },
    { attempt: 2 },
    { expires: instant + 1000 },
    { code: '123457' },
    { stamp: 't' },
  ];
  for (const change of changes) assert.equal(macMatches(secret, { ...facts, ...change }, hash), false, JSON.stringify(change));
  assert.equal(macMatches(Buffer.alloc(32, 2), facts, hash), false);
  assert.equal(macMatches(secret, facts, hash.slice(1)), false);
});

test('codes are six digits; typed spaces and dashes are ignored; answers ignore case, spaces and Unicode spelling', () => {
  for (let i = 0; i < 50; i++) assert.match(newCode(), /^\d{6}$/);
  assert.equal(normalizeCode(' 123-456 '), '123456');
  assert.equal(normalizeAnswer('  New\tYork '), 'newyork');
  assert.equal(normalizeAnswer('ＮＥＷ york'), 'newyork');
});

test('hints: t***@test.com and +1******5555', () => {
  assert.equal(maskEmail('test@test.com'), 't***@test.com');
  assert.equal(maskEmail('a@b@c.com'), 'a***@c.com');
  assert.equal(maskPhone('+15555555555'), '+1******5555');
  assert.equal(maskPhone('+4412'), '*****');
});

test('templates: the placeholders once, unknown braces kept, the account over the defaults field by field', () => {
  const values = { code: '{username}', username: 'ada', expires: 'soon', account: 'shop' };
  assert.equal(render('{code} for {username} at {account} by {expires} {other}', values), '{username} for ada at shop by soon {other}');
  const template = templateFor({ reset: { subject: 'Custom' } }, 'reset');
  assert.equal(template.subject, 'Custom');
  assert.match(template.text, /\{code\}/);
});

test('retries: 5 s after the first failure, doubling, at most an hour', () => {
  assert.deepEqual([1, 2, 3, 4].map(retryDelay), [5_000, 10_000, 20_000, 40_000]);
  assert.equal(retryDelay(50), 3_600_000);
});
