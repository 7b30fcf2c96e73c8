import type { RecoveryMethod } from '../accounts/types.js';

/**
 * The docs: "The user must be verified to login if the verification method is email or phone
 * number." Such accounts send a code at registration; question and none do not.
 */
export function mustVerify(recovery: RecoveryMethod): boolean {
  return recovery === 'email' || recovery === 'text';
}
