import type { Grant } from '../token-context.js';
import { passwordGrant } from './password.js';
import { refreshTokenGrant } from './refresh-token.js';

/** Every grant the token endpoint serves, by grant_type. Adding one never touches the others. */
export const grants: ReadonlyMap<string, Grant> = new Map([passwordGrant, refreshTokenGrant].map((grant) => [grant.grantType, grant]));
