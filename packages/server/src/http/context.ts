import type { Config } from '../config.js';
import type { Directory } from '../domain/directory.js';
import type { Clock } from '../lib/clock.js';
import type { OAuthDeps } from '../oauth/token-context.js';
import type { Account, Store, User } from '../store/types.js';
import type { LimitStore } from '../limits/limit-store.js';

/** Everything routes reach: built once in app.ts and passed to each route plugin. */
export interface AppContext {
  config: Config;
  store: Store;
  clock: Clock;
  directory: Directory;
  limits: LimitStore;
  oauth: OAuthDeps;
  /** The server's public base URL: the configured one, else the address it listens on. */
  baseUrl(): string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The account named by the URL's first segment; set by the account hook. */
    account: Account;
    /** The user the bearer token names; set on routes that require authentication. */
    user: User;
  }
}
