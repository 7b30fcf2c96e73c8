import { Type, type Static } from 'typebox';
import { PagedResult, PageQuery } from '../../http/paging.js';
import { apiErrors, NullableString } from '../../http/schemas.js';
import { PasswordChangeBody, RegisterBody, UserView } from './schemas.js';

/** users/*.rst: creating, reading, searching, updating and deleting other users. */

const TEXT_MAX = 4096;
const text = (description: string) => Type.Optional(NullableString({ maxLength: TEXT_MAX, description }));
const Flag = (description: string) => Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description }));
const UserParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'Id of the user.' }) });

/** A role as a body names it: by name, by id, or as the user JSON has it (`{name, addedDate}`). */
const RoleRef = Type.Object({
  id: Type.Optional(NullableString({ maxLength: 64 })),
  name: Type.Optional(NullableString({ maxLength: 256 })),
});
const RoleRefs = (description: string) => Type.Optional(Type.Union([Type.Array(RoleRef, { maxItems: 100 }), Type.Null()], { description }));

export const CreateUserBody = Type.Object({
  ...RegisterBody.properties,
  verified: Flag('Default false. Must be true to log in when the account verifies by e-mail or text.'),
  isActive: Flag('Default false (as MeshyDB): an inactive user cannot log in.'),
  roles: RoleRefs('Roles to give the user, each `{"name"}` or `{"id"}`: ones the caller holds, or any with permission to update roles.'),
});
export type CreateUserBody = Static<typeof CreateUserBody>;

/**
 * The personal information, replaced whole (a field left out is cleared). The rest of the user
 * JSON may come along, as when a client sends back what GET answered: `username` and `roles` must
 * be the user's own, and the other fields are not changed by this route.
 */
export const UpdateUserBody = Type.Object({
  username: text("The user's username, if sent: it cannot be changed here."),
  firstName: text('First name.'),
  lastName: text('Last name.'),
  phoneNumber: text('International format (+15555555555); required when the account recovers by text, unless the user is anonymous.'),
  emailAddress: text('Required when the account recovers by e-mail, unless the user is anonymous.'),
  roles: RoleRefs("The user's roles, if sent: they cannot be changed here (see POST /roles/{roleId}/users)."),
});
export type UpdateUserBody = Static<typeof UpdateUserBody>;

/** Question and answer are the service's to check, for the docs' sentences. */
export const SecurityQuestionsBody = Type.Object({
  securityQuestions: Type.Optional(
    Type.Union([
      Type.Array(Type.Object({ question: Type.Optional(NullableString({ maxLength: 1024 })), answer: Type.Optional(NullableString({ maxLength: 1024, anyCharacter: true })) }), { maxItems: 20 }),
      Type.Null(),
    ]),
  ),
});
export type SecurityQuestionsBody = Static<typeof SecurityQuestionsBody>;

export const UserSearchQuery = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 256, description: 'Case-insensitive partial match on username, first and last name.' })),
  roleId: Type.Optional(Type.String({ maxLength: 64, description: 'Only the users who hold this role.' })),
  orderBy: Type.Optional(
    Type.String({ maxLength: 1024, description: 'A MongoDB sort over username, firstName, lastName, lastAccessed, e.g. {"lastName":-1}; default username.' }),
  ),
  activeOnly: Type.Optional(Type.Boolean({ default: true, description: 'false includes inactive users.' })),
  ...PageQuery.properties,
});
export type UserSearchQuery = Static<typeof UserSearchQuery>;

const inputErrors = ['body_malformed', 'field_invalid'] as const;
/** What a change of personal information can be refused for, by an administrator or by the user. */
const personalInformationErrors = [
  'user_email_required',
  'user_phone_required',
  'username_field_required',
  'username_unchangeable',
  'email_invalid',
  'phone_invalid',
  'user_roles_unchangeable',
  ...inputErrors,
] as const;
/** The same for a replacement of security questions. */
const securityQuestionErrors = [
  'security_questions_not_configured',
  'security_questions_anonymous',
  'security_questions_empty',
  'security_question_text_required',
  'security_answer_required',
  ...inputErrors,
] as const;

export const userAdminSchemas = {
  create: {
    summary: 'Create a user',
    body: CreateUserBody,
    response: {
      201: UserView,
      ...apiErrors(
        'email_required',
        'phone_required',
        'security_question_required',
        'username_field_required',
        'username_too_long',
        'email_invalid',
        'phone_invalid',
        'password_required',
        'password_too_long',
        'password_reserved',
        'username_taken',
        'user_roles_not_held',
        'user_role_not_found',
        ...inputErrors,
        'users_create_forbidden',
      ),
    },
  },
  get: {
    summary: 'A user',
    params: UserParams,
    response: { 200: UserView, ...apiErrors('user_not_found', 'users_read_forbidden') },
  },
  search: {
    summary: 'Search users',
    querystring: UserSearchQuery,
    response: { 200: PagedResult(UserView), ...apiErrors('order_by_invalid', 'page_invalid', 'page_size_invalid', 'field_invalid', 'users_read_forbidden') },
  },
  update: {
    summary: "Update a user's personal information",
    params: UserParams,
    body: UpdateUserBody,
    response: {
      200: UserView,
      ...apiErrors(
        ...personalInformationErrors,
        'user_not_found',
        'users_update_forbidden',
      ),
    },
  },
  questions: {
    summary: "Replace a user's security questions",
    params: UserParams,
    body: SecurityQuestionsBody,
    response: {
      204: Type.Null({ description: 'Updated.' }),
      ...apiErrors(
        ...securityQuestionErrors,
        'user_not_found',
        'users_update_forbidden',
      ),
    },
  },
  delete: {
    summary: 'Delete a user (its roles and logins go with it)',
    params: UserParams,
    response: { 204: Type.Null({ description: 'Deleted.' }), ...apiErrors('user_delete_self', 'user_not_found', 'users_delete_forbidden') },
  },
};

/** users/updating_self.rst: the signed-in user's own information, questions and password. */
export const selfSchemas = {
  update: {
    summary: "Update the signed-in user's personal information",
    body: UpdateUserBody,
    response: {
      200: UserView,
      ...apiErrors(
        ...personalInformationErrors,
      ),
    },
  },
  questions: {
    summary: "Replace the signed-in user's security questions",
    body: SecurityQuestionsBody,
    response: {
      204: Type.Null({ description: 'Updated.' }),
      ...apiErrors(
        ...securityQuestionErrors,
      ),
    },
  },
  password: {
    summary: "Change the signed-in user's password (other logins end)",
    body: PasswordChangeBody,
    response: {
      204: Type.Null({ description: 'Changed.' }),
      ...apiErrors(
        'password_change_anonymous',
        'password_required',
        'password_too_long',
        'password_reserved',
        'previous_password_required',
        'previous_password_mismatch',
        'login_throttled_username',
        'login_throttled_ip',
        ...inputErrors,
      ),
    },
  },
};
