import { Type, type Static } from 'typebox';
import { ANY_CHARACTER, apiErrors, NullableString, NullableText } from '../../http/schemas.js';

/** Free-text fields are bounded; the documented checks (formats, recovery rules) are the service's. */
const TEXT_MAX = 4096;
const text = (description: string) => Type.Optional(NullableString({ maxLength: TEXT_MAX, description }));

const SecurityQuestionInput = Type.Object({
  question: Type.String({ maxLength: 1024, pattern: '\\S' }),
  // Answers and passwords are only hashed: any character is theirs (http/schemas.ts, ANY_CHARACTER).
  answer: Type.String({ maxLength: 1024, minLength: 1, [ANY_CHARACTER]: true }),
});

export const RegisterBody = Type.Object({
  username: text('Unique per account regardless of case; at most 128 characters.'),
  emailAddress: text('Required when the account recovers passwords by e-mail.'),
  phoneNumber: text('International format (+15555555555); required when the account recovers by text.'),
  securityQuestions: Type.Optional(Type.Union([Type.Array(SecurityQuestionInput, { maxItems: 20 }), Type.Null()])),
  newPassword: Type.Optional(NullableString({ maxLength: TEXT_MAX, description: 'The password; never "nopassword", which is the anonymous users\' password.', anyCharacter: true })),
  firstName: text('First name.'),
  lastName: text('Last name.'),
});
export type RegisterBody = Static<typeof RegisterBody>;

export const AnonymousRegisterBody = Type.Object({
  username: text('Generated (anonymous_{uuid}) when not given.'),
});
export type AnonymousRegisterBody = Static<typeof AnonymousRegisterBody>;

export const UsernameParams = Type.Object({ username: Type.String() });

/** The user JSON of MeshyDB's docs (users/retrieving_self.rst); key order as there. */
export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  firstName: NullableText(),
  lastName: NullableText(),
  verified: Type.Boolean(),
  isActive: Type.Boolean(),
  phoneNumber: NullableText(),
  emailAddress: NullableText(),
  roles: Type.Array(Type.Object({ name: Type.String(), addedDate: Type.String({ format: 'date-time' }) })),
  securityQuestions: Type.Array(Type.Object({ question: Type.String(), answer: Type.String({ description: 'Always "...": answers never leave the server.' }) })),
  anonymous: Type.Boolean(),
  lastAccessed: NullableText({ format: 'date-time' }),
});

/** 201 of a registration on an account that verifies by e-mail or text (users/creating_users.rst). */
export const VerificationRequest = Type.Object({
  username: Type.String(),
  attempt: Type.Integer(),
  hash: Type.String(),
  expires: Type.String({ format: 'date-time' }),
  hint: Type.String(),
});

const inputErrors = ['body_malformed', 'field_invalid'] as const;

export const userSchemas = {
  exists: {
    summary: 'Whether a username is taken',
    params: UsernameParams,
    response: { 200: Type.Object({ exists: Type.Boolean() }), ...apiErrors('username_required') },
  },
  registerAnonymous: {
    summary: 'Register an anonymous user',
    body: AnonymousRegisterBody,
    response: {
      201: UserView,
      ...apiErrors('anonymous_registration_disabled', 'username_field_required', 'username_too_long', 'username_taken', ...inputErrors),
    },
  },
  register: {
    summary: 'Register a user with a password',
    body: RegisterBody,
    response: {
      201: VerificationRequest,
      204: Type.Null({ description: 'Registered.' }),
      ...apiErrors(
        'public_registration_disabled',
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
        ...inputErrors,
      ),
    },
  },
  me: {
    summary: 'The signed-in user',
    response: { 200: UserView },
  },
};

export const PasswordChangeBody = Type.Object({
  previousPassword: Type.Optional(NullableString({ maxLength: 4096, description: 'The current password.', anyCharacter: true })),
  newPassword: Type.Optional(NullableString({ maxLength: 4096, description: 'The new one; never "nopassword".', anyCharacter: true })),
});
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;
