import assert from 'node:assert/strict';
import { MeshyError } from '../../src/index.js';

/** Resolves with the MeshyError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function meshyError(promise: Promise<unknown>): Promise<MeshyError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MeshyError, `expected a MeshyError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}
