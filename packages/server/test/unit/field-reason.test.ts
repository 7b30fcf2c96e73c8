import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldReason } from '../../src/errors.js';

const problem = { inItem: false, keyword: 'type', limit: undefined, expected: 'string' };

test('a field named like a property of every object gets the plain reason, not a crash', () => {
  for (const field of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    for (const keyword of ['type', 'required']) {
      const error = fieldReason({ ...problem, field, keyword });
      assert.equal(error.code, 'field_invalid', `${field} ${keyword}`);
      assert.equal(error.status, 400);
    }
  }
});

test('fields with a reason of their own keep it', () => {
  assert.equal(fieldReason({ ...problem, field: 'orderBy' }).code, 'order_by_invalid');
  assert.equal(fieldReason({ ...problem, field: 'page' }).code, 'page_invalid');
  assert.equal(fieldReason({ ...problem, field: 'username', keyword: 'required' }).code, 'username_field_required');
});
