import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allows, formatGrants, parseGrants, permissionClaims } from '../../src/modules/roles/permissions.js';
import type { Action, Grant } from '../../src/modules/roles/types.js';

const grant = (permissibleName: string, flags: string): Grant => ({
  permissibleName,
  create: flags.includes('c'),
  read: flags.includes('r'),
  update: flags.includes('u'),
  delete: flags.includes('d'),
});

describe('allows(grants, permissible, action)', () => {
  const cases: [Grant[], string, Action, boolean, string][] = [
    [[], 'meshes', 'read', false, 'no grants, nothing allowed'],
    [[grant('meshes', 'r')], 'meshes', 'read', true, 'the permissible itself'],
    [[grant('meshes', 'r')], 'meshes', 'create', false, 'another action'],
    [[grant('meshes', 'r')], 'meshes.person', 'read', true, 'the parent covers a child'],
    [[grant('meshes.person', 'crud')], 'meshes', 'read', false, 'a child never covers the parent'],
    [[grant('meshes.person', 'crud')], 'meshes.other', 'read', false, 'nor a sibling'],
    [[grant('meshes.person', 'crud')], 'meshes.person', 'delete', true, 'the child itself'],
    [[grant('MESHES', 'u')], 'meshes.Person', 'update', true, 'names compare regardless of case'],
    [[grant('meshes', 'r')], 'meshesx', 'read', false, 'a longer name is not a child'],
    [[grant('users', 'c'), grant('roles', 'r')], 'roles', 'read', true, 'any grant may allow'],
    [[grant('projections', 'r')], 'projections.top', 'read', true, 'projections work the same way'],
  ];
  for (const [grants, permissible, action, expected, why] of cases) {
    test(`${why}: ${permissible} ${action} -> ${expected}`, () => assert.equal(allows(grants, permissible, action), expected));
  }
});

describe('grants in the CLI form and as token claims', () => {
  test('parse and format round-trip; none is none', () => {
    const parsed = parseGrants('meshes:crud,projections:r');
    assert.deepEqual(parsed, [grant('meshes', 'crud'), grant('projections', 'r')]);
    assert.equal(formatGrants(parsed), 'meshes:crud,projections:r');
    assert.deepEqual(parseGrants('none'), []);
    assert.equal(formatGrants([]), 'none');
    assert.deepEqual(parseGrants('meshes.person:rd'), [grant('meshes.person', 'rd')]);
  });

  for (const bad of ['meshes', 'meshes:x', 'meshes:rr', ':r', 'meshes:crud,', 'a.b.c:r']) {
    test(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseGrants(bad), /PERMISSIBLE:FLAGS/));
  }

  test('claims: permissible:action, sorted, each once', () => {
    assert.deepEqual(permissionClaims([grant('meshes', 'cr'), grant('meshes', 'r'), grant('users', 'd')]), ['meshes:create', 'meshes:read', 'users:delete']);
  });
});
