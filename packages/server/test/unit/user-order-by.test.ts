import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../src/errors.js';
import { parseUserOrder } from '../../src/modules/users/order-by.js';
import type { UserSort } from '../../src/modules/users/store.js';

const accepted: [string | undefined, UserSort[]][] = [
  [undefined, []],
  ['', []],
  ['  ', []],
  ['{}', []],
  ['{ }', []],
  ['{"username":1}', [{ field: 'username', direction: 1 }]],
  ['{ "lastName": -1 }', [{ field: 'lastName', direction: -1 }]],
  ["{ 'lastName': -1 }", [{ field: 'lastName', direction: -1 }]],
  ['{firstName:1,lastAccessed:-1}', [{ field: 'firstName', direction: 1 }, { field: 'lastAccessed', direction: -1 }]],
  [" { 'lastName' : -1 , \"username\" : 1 , } ", [{ field: 'lastName', direction: -1 }, { field: 'username', direction: 1 }]],
  ['{"lastAccessed":-1,"firstName":1,"lastName":1,"username":-1}', [
    { field: 'lastAccessed', direction: -1 },
    { field: 'firstName', direction: 1 },
    { field: 'lastName', direction: 1 },
    { field: 'username', direction: -1 },
  ]],
];

for (const [text, expected] of accepted) {
  test(`orderBy ${JSON.stringify(text)} is ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(parseUserOrder(text), expected);
  });
}

const refused = [
  'username',
  '{username}',
  '{"username":1',
  '"username":1}',
  '[{"username":1}]',
  '{"username":2}',
  '{"username":0}',
  '{"username":"asc"}',
  '{"username":1.0}',
  '{"username":+1}',
  '{"username":-1,}x',
  '{"username":1,,}',
  '{,}',
  '{"username":1 "lastName":1}',
  '{"username":1,"username":-1}',
  '{"Username":1}',
  '{"emailAddress":1}',
  '{"passwordHash":1}',
  '{"__proto__":1}',
  '{"$natural":1}',
  '{"user name":1}',
  '{"username\':1}',
  '{`username`:1}',
  '{"username":1}; drop table users',
  '{"username": (function () { return 1 })()}',
  '{"username": Math.abs(-1)}',
];

for (const text of refused) {
  test(`orderBy ${JSON.stringify(text)} is order_by_invalid`, () => {
    assert.throws(() => parseUserOrder(text), (error: unknown) => error instanceof ApiError && error.code === 'order_by_invalid');
  });
}
