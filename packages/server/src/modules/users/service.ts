import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { newObjectId } from '../../lib/ids.js';
import { UniqueViolation } from '../../store/errors.js';
import type { Account } from '../accounts/types.js';
import type { UserStore } from './store.js';
import type { SecurityQuestion, User } from './types.js';
import { hashPassword } from '../../lib/passwords.js';
import { checkUsername, isEmail, isInternationalPhone } from './checks.js';
import type { AnonymousRegisterBody, RegisterBody } from './schemas.js';
import type { OutboxMessage } from '../outbox/types.js';
import { normalizeAnswer } from '../recovery/codes.js';
import { codeRequest, type IssuedRequest } from '../recovery/issue.js';
import { mustVerify } from '../recovery/policy.js';

/** The password anonymous users log in with (MeshyDB's convention); never valid for a real user. */
export const ANONYMOUS_PASSWORD = 'nopassword';
const maxPasswordLength = 1024;

export interface UserServiceDeps {
  users: UserStore;
  clock: Clock;
}

/** What registration needs to send a verification code: the MAC key, and the delivery loop's nudge. */
export interface RegistrationDeps extends UserServiceDeps {
  secret: Buffer;
  nudge(): void;
}

export async function usernameExists(deps: UserServiceDeps, account: Account, username: string | undefined): Promise<boolean> {
  if (username === undefined || !username.trim()) throw new ApiError('username_required');
  return (await deps.users.findByUsername(account.id, username.trim())) !== undefined;
}

export async function registerAnonymousUser(deps: UserServiceDeps, account: Account, body: AnonymousRegisterBody): Promise<User> {
  if (!account.settings.anonymousRegistration) throw new ApiError('anonymous_registration_disabled');
  const given = body.username ?? null;
  // No username at all: make one, as MeshyDB's SDK does for registerAnonymousUser().
  const username = given === null ? `anonymous_${randomUUID()}` : checkUsername(given);
  const user = newUser(deps, account, username, { anonymous: true, verified: false });
  await insertUser(deps, user);
  return user;
}

export type PublicRegistration =
  | { kind: 'registered'; user: User }
  | { kind: 'verification_required'; user: User; request: IssuedRequest };

/**
 * POST /users/register. When the account verifies by e-mail or text, the code's message is
 * stored with the user, in one transaction: a crash loses both or neither.
 */
export async function registerUser(deps: RegistrationDeps, account: Account, body: RegisterBody): Promise<PublicRegistration> {
  const settings = account.settings;
  if (!settings.publicRegistration) throw new ApiError('public_registration_disabled');
  const fields = await checkNewUser(deps, account, body);
  const user = await userWithCredentials(deps, account, fields, { verified: false, isActive: true });
  if (!mustVerify(settings.recovery)) {
    await insertUser(deps, user);
    return { kind: 'registered', user };
  }
  const { request, message } = codeRequest(deps.secret, account, user, 'verify', 1, deps.clock.now());
  await insertUser(deps, user, message ? [message] : []);
  if (message) deps.nudge();
  return { kind: 'verification_required', user, request };
}

/** A new password's documented checks (registration, reset, change); the password as given. */
export function checkNewPassword(password: string | null | undefined): string {
  if (!password) throw new ApiError('password_required');
  if (password.length > maxPasswordLength) throw new ApiError('password_too_long');
  // It would never log in: the password grant keeps `nopassword` for anonymous users only.
  if (password === ANONYMOUS_PASSWORD) throw new ApiError('password_reserved');
  return password;
}

/** A new user's fields after the documented checks. */
export interface NewUserFields {
  username: string;
  firstName: string | null;
  lastName: string | null;
  emailAddress: string | null;
  phoneNumber: string | null;
  questions: { question: string; answer: string }[];
  password: string;
}

/**
 * The checks of a new user with a password, registered or created by another user (POST /users
 * lists the same reasons); their order follows the order of MeshyDB's documented reasons.
 */
export async function checkNewUser(deps: UserServiceDeps, account: Account, body: RegisterBody): Promise<NewUserFields> {
  const settings = account.settings;
  const rawUsername = body.username ?? null;
  const emailAddress = body.emailAddress ?? null;
  const phoneNumber = body.phoneNumber ?? null;
  const questions = body.securityQuestions ?? [];
  const password = body.newPassword ?? null;

  if (settings.recovery === 'email' && !emailAddress) throw new ApiError('email_required');
  if (settings.recovery === 'text' && !phoneNumber) throw new ApiError('phone_required');
  if (settings.recovery === 'question' && questions.length === 0) throw new ApiError('security_question_required');
  if (rawUsername === null) throw new ApiError('username_field_required');
  const username = checkUsername(rawUsername);
  if (emailAddress && !isEmail(emailAddress)) throw new ApiError('email_invalid');
  if (phoneNumber && !isInternationalPhone(phoneNumber)) throw new ApiError('phone_invalid');
  checkNewPassword(password);
  if (await deps.users.findByUsername(account.id, username)) throw new ApiError('username_taken');
  return { username, firstName: body.firstName ?? null, lastName: body.lastName ?? null, emailAddress, phoneNumber, questions, password: password! };
}

/** The user of checked fields, not yet stored. */
export async function userWithCredentials(
  deps: UserServiceDeps,
  account: Account,
  fields: NewUserFields,
  flags: { verified: boolean; isActive: boolean; neverAccessed?: boolean },
): Promise<User> {
  const user = newUser(deps, account, fields.username, { anonymous: false, verified: flags.verified });
  user.isActive = flags.isActive;
  if (flags.neverAccessed) user.lastAccessed = null;
  user.firstName = fields.firstName;
  user.lastName = fields.lastName;
  user.emailAddress = fields.emailAddress;
  user.phoneNumber = fields.phoneNumber;
  // The password and the answers hash concurrently on the thread pool.
  [user.passwordHash, user.securityQuestions] = await Promise.all([hashPassword(fields.password), hashedQuestions(fields.questions)]);
  return user;
}

/**
 * Answers are credentials too: hashed like passwords, all at once on the thread pool, in the form
 * they are compared in (regardless of case and spaces, recovery/codes.ts).
 */
export async function hashedQuestions(questions: readonly { question: string; answer: string }[]): Promise<SecurityQuestion[]> {
  const hashes = await Promise.all(questions.map((q) => hashPassword(normalizeAnswer(q.answer))));
  return questions.map((q, i) => ({ question: q.question, answerHash: hashes[i]! }));
}

function newUser(deps: UserServiceDeps, account: Account, username: string, flags: { anonymous: boolean; verified: boolean }): User {
  const now = deps.clock.now();
  return {
    id: newObjectId(now),
    accountId: account.id,
    username,
    firstName: null,
    lastName: null,
    verified: flags.verified,
    isActive: true,
    phoneNumber: null,
    emailAddress: null,
    roles: [],
    securityQuestions: [],
    anonymous: flags.anonymous,
    passwordHash: null,
    securityStamp: newSecurityStamp(),
    createdAt: now,
    lastAccessed: now,
  };
}

export function newSecurityStamp(): string {
  return randomBytes(16).toString('base64url');
}

export async function insertUser(deps: UserServiceDeps, user: User, messages: readonly OutboxMessage[] = []): Promise<void> {
  try {
    await deps.users.create(user, messages);
  } catch (error) {
    if (error instanceof UniqueViolation) throw new ApiError('username_taken');
    throw error;
  }
}
