import type { AuthorizedCall } from '../authorized-call.js';
import type { NewUser, PagedResult, SecurityQuestionUpdate, SelfUpdate, User, UserSearch, UserUpdate } from '../types.js';
import { idSegment, queryFrom, withQuery } from './request-path.js';

/**
 * users/ endpoints: the logged-in user (getSelf) and the administration of others, which needs
 * permissions on `users` (e.g. `users:create`); without them each call fails with the server's 403.
 */
export class UsersService {
  constructor(private readonly call: AuthorizedCall) {}

  /** GET /{account}/users/me (users/retrieving_self.rst). */
  getSelf(): Promise<User> {
    return this.call<User>({ method: 'GET', path: 'users/me' });
  }

  /** PUT /{account}/users/me (users/updating_self.rst, "My Personal Information"): the user as it is now. No permission needed. */
  async updateSelf(user: SelfUpdate): Promise<User> {
    return this.call<User>({ method: 'PUT', path: 'users/me', json: user });
  }

  /** POST /{account}/users/me/questions ("My Security Questions"): replaces the caller's security questions; 204. */
  async updateSecurityQuestion(questionUpdate: SecurityQuestionUpdate): Promise<void> {
    await this.call<void>({ method: 'POST', path: 'users/me/questions', json: questionUpdate });
  }

  /** POST /{account}/users (users/creating_users.rst, "New User"): 201 with the user. */
  async create(user: NewUser): Promise<User> {
    return this.call<User>({ method: 'POST', path: 'users', json: user });
  }

  /** GET /{account}/users/{id}. */
  async get(id: string): Promise<User> {
    return this.call<User>({ method: 'GET', path: userPath(id) });
  }

  /**
   * GET /{account}/users?name=&roleId=&orderBy=&activeOnly=&page=&pageSize= (users/searching.rst):
   * `search({ name, roleId, orderBy, activeOnly, page, pageSize })`, or the same in that order as arguments.
   */
  search(query?: UserSearch): Promise<PagedResult<User>>;
  search(name?: string, roleId?: string, orderBy?: UserSearch['orderBy'], activeOnly?: boolean, page?: number, pageSize?: number): Promise<PagedResult<User>>;
  async search(...args: unknown[]): Promise<PagedResult<User>> {
    const query = queryFrom<UserSearch>(['name', 'roleId', 'orderBy', 'activeOnly', 'page', 'pageSize'], args);
    const orderBy = typeof query.orderBy === 'object' && query.orderBy !== null ? JSON.stringify(query.orderBy) : query.orderBy;
    const path = withQuery('users', {
      name: query.name,
      roleId: query.roleId,
      orderBy,
      activeOnly: query.activeOnly,
      page: query.page,
      pageSize: query.pageSize,
    });
    return this.call({ method: 'GET', path });
  }

  /** PUT /{account}/users/{id} (users/updating_self.rst, "Existing Personal Information"): the user as it is now. */
  async update(id: string, user: UserUpdate): Promise<User> {
    return this.call<User>({ method: 'PUT', path: userPath(id), json: user });
  }

  /** DELETE /{account}/users/{id} (users/deleting.rst): 204. A user cannot delete themself. */
  async delete(id: string): Promise<void> {
    await this.call<void>({ method: 'DELETE', path: userPath(id) });
  }

  /** POST /{account}/users/{id}/questions: replaces the user's security questions; 204. */
  async updateUserSecurityQuestion(id: string, questionUpdate: SecurityQuestionUpdate): Promise<void> {
    await this.call<void>({ method: 'POST', path: `${userPath(id)}/questions`, json: questionUpdate });
  }
}

function userPath(id: string): string {
  return `users/${idSegment('id', id)}`;
}
