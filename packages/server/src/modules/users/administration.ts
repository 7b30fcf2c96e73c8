import { ApiError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { usernameKey } from '../../lib/usernames.js';
import type { Account } from '../accounts/types.js';
import type { GrantsCache } from '../roles/grants-cache.js';
import type { RoleStore } from '../roles/store.js';
import type { Page, Role } from '../roles/types.js';
import type { CreateUserBody, SecurityQuestionsBody, UpdateUserBody } from './admin-schemas.js';
import { checkUsername, isEmail, isInternationalPhone } from './checks.js';
import { parseUserOrder } from './order-by.js';
import { checkNewUser, hashedQuestions, insertUser, userWithCredentials } from './service.js';
import type { UserQuery, UserStore } from './store.js';
import type { User } from './types.js';

/** What one user may do to others (users/*.rst); the route has checked the users permission. */
export interface UserAdminDeps {
  users: UserStore;
  roles: Pick<RoleStore, 'findById' | 'findByName' | 'addMembers'>;
  grants: Pick<GrantsCache, 'allows'>;
  clock: Clock;
}

type RoleRef = NonNullable<CreateUserBody['roles']>[number];

/** POST /users: the registration checks, then the roles; the user and its roles as stored. */
export async function createUser(deps: UserAdminDeps, account: Account, caller: User, body: CreateUserBody): Promise<User> {
  const fields = await checkNewUser(deps, account, body);
  const roles = await rolesToGive(deps, account, caller, body.roles ?? []);
  // Created by someone else: never logged in yet, flags as the creator says (MeshyDB's default false).
  const user = await userWithCredentials(deps, account, fields, { verified: body.verified ?? false, isActive: body.isActive ?? false, neverAccessed: true });
  await insertUser(deps, user);
  // A role deleted since it was looked up is not given: the answer shows the roles the user holds.
  for (const role of roles) await deps.roles.addMembers(account.id, role.id, [user.id], deps.clock.now());
  return roles.length > 0 ? ((await deps.users.findById(account.id, user.id)) ?? user) : user;
}

/**
 * The roles a body names, each once, if the caller may give them: any role with permission to
 * update roles, else only roles the caller holds. To such a caller a role that does not exist is
 * one it does not hold, so the answer does not tell which role names exist.
 */
async function rolesToGive(deps: UserAdminDeps, account: Account, caller: User, refs: readonly RoleRef[]): Promise<Role[]> {
  if (refs.length === 0) return [];
  const mayUpdateRoles = await deps.grants.allows(account, caller.roles, 'roles', 'update');
  const held = new Set(caller.roles.map((r) => r.name.toLowerCase()));
  const roles = new Map<string, Role>();
  for (const ref of refs) {
    const id = ref.id?.trim();
    const name = ref.name?.trim();
    if (!id && !name) throw new ApiError('field_invalid', { reason: 'Each role needs a name or an id.' });
    const role = id ? await deps.roles.findById(account.id, id) : await deps.roles.findByName(account.id, name!);
    if (!mayUpdateRoles && !(role && held.has(role.name.toLowerCase()))) throw new ApiError('user_roles_not_held');
    if (!role) throw new ApiError('user_role_not_found');
    roles.set(role.id, role);
  }
  return [...roles.values()];
}

export async function getUser(deps: Pick<UserAdminDeps, 'users'>, account: Account, id: string): Promise<User> {
  const user = await deps.users.findById(account.id, id);
  if (!user) throw new ApiError('user_not_found');
  return user;
}

/** GET /users: `orderBy` as sent (a MongoDB sort document), `activeOnly` true unless false. */
export function searchUsers(
  deps: Pick<UserAdminDeps, 'users'>,
  account: Account,
  query: Omit<UserQuery, 'orderBy' | 'activeOnly'> & { orderBy?: string; activeOnly?: boolean },
): Promise<Page<User>> {
  return deps.users.search(account.id, { ...query, activeOnly: query.activeOnly ?? true, orderBy: parseUserOrder(query.orderBy) });
}

/** PUT /users/{id}: the personal information, replaced whole, checked in the docs' order of reasons. */
export async function updateUser(deps: UserAdminDeps, account: Account, id: string, body: UpdateUserBody): Promise<User> {
  return updatePersonalInformation(deps, account, await getUser(deps, account, id), body);
}

/** The checks and the write of PUT /users/{id}, for any user: PUT /users/me does the same to the caller. */
export async function updatePersonalInformation(deps: Pick<UserAdminDeps, 'users'>, account: Account, user: User, body: UpdateUserBody): Promise<User> {
  const id = user.id;
  const info = { firstName: body.firstName ?? null, lastName: body.lastName ?? null, phoneNumber: body.phoneNumber ?? null, emailAddress: body.emailAddress ?? null };
  const { recovery } = account.settings;
  if (recovery === 'email' && !user.anonymous && !info.emailAddress) throw new ApiError('user_email_required');
  if (recovery === 'text' && !user.anonymous && !info.phoneNumber) throw new ApiError('user_phone_required');
  if (body.username !== undefined) {
    if (body.username === null) throw new ApiError('username_field_required');
    if (usernameKey(checkUsername(body.username)) !== usernameKey(user.username)) throw new ApiError('username_unchangeable');
  }
  if (info.emailAddress && !isEmail(info.emailAddress)) throw new ApiError('email_invalid');
  if (info.phoneNumber && !isInternationalPhone(info.phoneNumber)) throw new ApiError('phone_invalid');
  if (body.roles && !sameRoles(body.roles, user)) throw new ApiError('user_roles_unchangeable');
  if (!(await deps.users.updatePersonalInformation(account.id, id, info))) throw new ApiError('user_not_found');
  return (await deps.users.findById(account.id, id)) ?? { ...user, ...info };
}

/** Whether a body's roles are the user's, by name regardless of case and order (as GET gave them). */
function sameRoles(refs: readonly RoleRef[], user: User): boolean {
  const sent = new Set(refs.map((r) => r.name?.trim().toLowerCase() ?? ''));
  const held = new Set(user.roles.map((r) => r.name.toLowerCase()));
  return sent.size === held.size && [...sent].every((name) => held.has(name));
}

/** POST /users/{id}/questions: the docs' reasons in their order; answers hashed like passwords. */
export async function setUserSecurityQuestions(deps: UserAdminDeps, account: Account, id: string, body: SecurityQuestionsBody): Promise<void> {
  if (account.settings.recovery !== 'question') throw new ApiError('security_questions_not_configured');
  await replaceSecurityQuestions(deps, account, await getUser(deps, account, id), body);
}

/** The checks and the write of POST /users/{id}/questions, for any user (POST /users/me/questions: the caller). */
export async function replaceSecurityQuestions(deps: Pick<UserAdminDeps, 'users'>, account: Account, user: User, body: SecurityQuestionsBody): Promise<void> {
  const id = user.id;
  if (account.settings.recovery !== 'question') throw new ApiError('security_questions_not_configured');
  if (user.anonymous) throw new ApiError('security_questions_anonymous');
  const questions = body.securityQuestions ?? [];
  if (questions.length === 0) throw new ApiError('security_questions_empty');
  if (questions.some((q) => !q.question?.trim())) throw new ApiError('security_question_text_required');
  if (questions.some((q) => !q.answer)) throw new ApiError('security_answer_required');
  const hashed = await hashedQuestions(questions.map((q) => ({ question: q.question!, answer: q.answer! })));
  if (!(await deps.users.setSecurityQuestions(account.id, id, hashed))) throw new ApiError('user_not_found');
}

/** DELETE /users/{id}: never oneself; its roles and refresh tokens go with it (the store does both at once). */
export async function deleteUser(deps: Pick<UserAdminDeps, 'users'>, account: Account, caller: User, id: string): Promise<void> {
  if (id === caller.id) throw new ApiError('user_delete_self');
  if (!(await deps.users.delete(account.id, id))) throw new ApiError('user_not_found');
}
