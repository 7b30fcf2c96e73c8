/** One refused object of a bulk create (`meshesService.createMany`): its place in the list and why. */
export interface MeshItemError {
  /** The object's index in the list, from 0. */
  index: number;
  /** The status the object alone would have got (400). */
  status: number;
  /** The server's stable code, e.g. `mesh_property_invalid`. */
  code: string;
  /** The reason, in MeshyDB's words, e.g. "Mesh property cannot begin with '$' or contain '.'.". */
  message: string;
}

/**
 * The SDK's one error type. Server errors keep the server's words: `reason` is MeshyDB's
 * documented sentence ("Refresh token is expired."), `code` the server's stable name for the
 * case (`refresh_token_expired`), `error` the RFC 6749 code where the endpoint speaks OAuth.
 * Callers branch on `code`, on `reason` against `Reasons`, or on `sessionEnded`; never on `message`.
 */
export class MeshyError extends Error {
  override readonly name = 'MeshyError';
  /** HTTP status; 0 when no response arrived (network failure). */
  readonly statusCode: number;
  /** RFC 6749 error code (`invalid_grant`, `invalid_client`, ...) from the connect/ endpoints; undefined elsewhere. */
  readonly error: string | undefined;
  /** The server's documented reason, word for word, or the SDK's own sentence for SDK-side failures. */
  readonly reason: string;
  /** Stable machine-readable code: the server's (`refresh_token_expired`) or the SDK's (`network_error`, `session_ended`). */
  readonly code: string;
  /** Seconds to wait before trying again, from a 429's Retry-After. */
  readonly retryAfterSeconds: number | undefined;
  /** True when the session is gone and the user must log in again. */
  readonly sessionEnded: boolean;
  /**
   * A refused bulk create ("Data is in an invalid format. The status of each object will be
   * brought back to identify the error."): each refused object, in order. None was created.
   */
  readonly errors: MeshItemError[] | undefined;

  constructor(fields: {
    statusCode: number;
    reason: string;
    code: string;
    error?: string;
    retryAfterSeconds?: number;
    sessionEnded?: boolean;
    errors?: MeshItemError[];
    cause?: unknown;
  }) {
    super(fields.reason, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.statusCode = fields.statusCode;
    this.reason = fields.reason;
    this.code = fields.code;
    this.error = fields.error;
    this.retryAfterSeconds = fields.retryAfterSeconds;
    this.sessionEnded = fields.sessionEnded ?? false;
    this.errors = fields.errors;
  }

  /** The same error, marked as having ended the session. */
  endingSession(): MeshyError {
    const { statusCode, reason, code, error, retryAfterSeconds, errors, cause } = this;
    return new MeshyError({ statusCode, reason, code, error, retryAfterSeconds, errors, cause, sessionEnded: true });
  }
}

/** Reasons a caller may want to branch on, as MeshyDB documents them. */
export const Reasons = {
  tokenInvalid: 'Token is invalid.',
  refreshTokenExpired: 'Refresh token is expired.',
  userInactive: 'User is no longer active.',
  clientInvalid: 'Client id is invalid.',
  usernameInvalid: 'Username is invalid.',
  passwordInvalid: 'Password is invalid.',
  unauthorized: 'User is not authorized to make call.',
  rateLimited: 'You have either hit your API or Database limit. Please review your account.',
  usernameTaken: 'Username must be unique.',
  meshNotFound: 'Mesh data was not found.',
  meshIdTaken: 'Mesh already exists for provided id.',
} as const;

/** Codes the SDK itself produces (the server's codes come from its error table). */
export const SdkErrorCodes = {
  /** No response: connection refused or reset, DNS, CORS refusal in a browser. */
  networkError: 'network_error',
  /** The connection's session is gone: signed out, replaced by another login, or its refresh failed. */
  sessionEnded: 'session_ended',
  /** A response the SDK cannot read (not the server's JSON). */
  unexpectedResponse: 'unexpected_response',
  /** An argument the SDK refused before sending anything: an empty id or one that is `.` or `..`, mesh data JSON cannot hold (NaN, a BigInt, a RegExp), ... */
  argumentInvalid: 'argument_invalid',
} as const;

export function sessionEndedError(): MeshyError {
  return new MeshyError({
    statusCode: 401,
    code: SdkErrorCodes.sessionEnded,
    reason: 'Session has ended. Log in again.',
    sessionEnded: true,
  });
}

/** A call refused before any request was made; statusCode 0, as no response arrived. */
export function argumentError(reason: string): MeshyError {
  return new MeshyError({ statusCode: 0, code: SdkErrorCodes.argumentInvalid, reason });
}
