import { Type, type Static } from 'typebox';
import { ANY_CHARACTER, apiErrors, NullableString } from '../../http/schemas.js';
import { VerificationRequest } from '../users/schemas.js';

/**
 * users/password_recovery.rst and creating_users.rst. Every field is optional here, so that a
 * missing one gets the docs' sentence from the service, in the docs' order. MeshyDB's sample
 * apps post their whole form state: fields not named here (success, message, done, hint, ...)
 * are ignored, and the attempt may come as a number or its digits.
 */
const Attempt = Type.Optional(
  Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.String({ pattern: '^\\s*\\d{1,7}\\s*$' }), Type.Null()], {
    description: 'Which attempt (default 1); with question recovery it picks the question.',
  }),
);

export const ForgotPasswordBody = Type.Object({
  username: Type.Optional(NullableString({ maxLength: 4096, description: 'The user who forgot.' })),
  attempt: Attempt,
});
export type ForgotPasswordBody = Static<typeof ForgotPasswordBody>;

const carried = {
  username: Type.Optional(NullableString({ maxLength: 4096 })),
  attempt: Attempt,
  hash: Type.Optional(NullableString({ maxLength: 512, description: 'As forgotpassword or registration gave it.' })),
  expires: Type.Optional(NullableString({ maxLength: 64, description: 'As given (ISO 8601); any unambiguous spelling of the same instant.' })),
  // Compared with a MAC or an answer's hash, never stored: it may hold any character (http/schemas.ts, ANY_CHARACTER).
  verificationCode: Type.Optional(
    Type.Union([Type.String({ maxLength: 1024 }), Type.Integer({ minimum: 0, maximum: 999_999_999 }), Type.Null()], {
      description: 'The code sent by e-mail or text, or the answer to the security question.',
      [ANY_CHARACTER]: true,
    }),
  ),
};

export const CarriedRequestBody = Type.Object(carried);
export type CarriedRequestBody = Static<typeof CarriedRequestBody>;

export const ResetPasswordBody = Type.Object({
  ...carried,
  newPassword: Type.Optional(NullableString({ maxLength: 4096, anyCharacter: true })),
});
export type ResetPasswordBody = Static<typeof ResetPasswordBody>;

const inputErrors = ['body_malformed', 'field_invalid'] as const;
const requiredOfCarried = ['username_required', 'hash_required', 'expires_required', 'verification_code_required'] as const;

export const recoverySchemas = {
  forgot: {
    summary: 'Ask for a password reset (a code by e-mail or text, or a security question)',
    body: ForgotPasswordBody,
    response: {
      200: VerificationRequest,
      ...apiErrors('username_required', 'recovery_not_configured', 'recovery_anonymous', 'recovery_user_not_found', 'recovery_throttled_username', 'recovery_throttled_ip', ...inputErrors),
    },
  },
  checkHash: {
    summary: 'Whether a request and its code (or answer) are valid',
    body: CarriedRequestBody,
    response: { 200: Type.Boolean({ description: 'A bare JSON true or false, as the docs show.' }), ...apiErrors(...requiredOfCarried, ...inputErrors) },
  },
  reset: {
    summary: 'Reset the password with a request and its code (or answer)',
    body: ResetPasswordBody,
    response: {
      204: Type.Null({ description: 'Reset.' }),
      ...apiErrors(
        ...requiredOfCarried,
        'hash_expired',
        'password_required',
        'password_too_long',
        'password_reserved',
        'reset_anonymous',
        'hash_invalid',
        ...inputErrors,
      ),
    },
  },
  verify: {
    summary: "Verify a registered user's e-mail address or phone number",
    body: CarriedRequestBody,
    response: {
      204: Type.Null({ description: 'Verified.' }),
      ...apiErrors(...requiredOfCarried, 'hash_expired', 'verify_anonymous', 'user_already_verified', 'hash_invalid', ...inputErrors),
    },
  },
};
