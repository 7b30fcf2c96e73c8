import type { Account } from '../modules/accounts/types.js';
import type { User } from '../modules/users/types.js';
import type { Access } from './access.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The account named by the URL's first segment; set by the account hook. */
    account: Account;
    /** The user the bearer token names, on routes whose access needs one (read it with signedInUser). */
    user: User | undefined;
    /** The refresh family the bearer token was issued under (its `sid`), if any. */
    sessionId: string | undefined;
  }
  interface FastifyContextConfig {
    /** Who may call the route: every route under /{account} declares it (access.ts). */
    access?: Access;
  }
}
