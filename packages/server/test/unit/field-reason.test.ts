import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldReason, NUL_CHARACTER_KEYWORD } from '../../src/errors.js';

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

test('a declared string holding U+0000 is named in its reason, unless the field has a reason of its own', () => {
  const nul = { ...problem, keyword: NUL_CHARACTER_KEYWORD, expected: undefined };
  assert.equal(fieldReason({ ...nul, field: 'firstName' }).reason, 'firstName must not contain the character U+0000.');
  assert.equal(fieldReason({ ...nul, field: 'securityQuestions', inItem: true }).reason, 'Security questions must not contain the character U+0000.');
  assert.equal(fieldReason({ ...nul, field: 'orderBy' }).code, 'order_by_invalid');
  assert.equal(fieldReason({ ...nul, field: 'constructor' }).code, 'field_invalid');
});
