import type { AuthorizedCall } from '../authorized-call.js';
import type { User } from '../types.js';

/** users/ endpoints that act for the logged-in user. More arrive as the server gains them. */
export class UsersService {
  constructor(private readonly call: AuthorizedCall) {}

  /** GET /{account}/users/me (users/retrieving_self.rst). */
  getSelf(): Promise<User> {
    return this.call<User>({ method: 'GET', path: 'users/me' });
  }
}
