/** MeshyDB's documented sentence for a 429 (users/*.rst), whichever limit was hit. */
const LIMIT_SENTENCE = 'You have either hit your API or Database limit. Please review your account.';

/**
 * Every reason a client can see, in one table. `reason` is MeshyDB's documented sentence, word
 * for word; `code` is our stable machine-readable name for the case (several codes may share one
 * documented sentence, e.g. every way a refresh token can be invalid); `oauthError` is the RFC 6749
 * error code used when the reason is answered by a `connect/` endpoint.
 */
export const reasons = {
  // --- generic HTTP
  account_not_found: { status: 404, reason: 'Account not found.' },
  route_not_found: { status: 404, reason: 'Route not found.' },
  url_malformed: { status: 400, reason: 'Request URL is malformed.' },
  path_too_long: { status: 414, reason: 'Request path is too long.' },
  request_malformed: { status: 400, reason: 'Request is malformed.' },
  request_timeout: { status: 408, reason: 'Request took too long.' },
  headers_too_large: { status: 431, reason: 'Request headers are too large.' },
  method_not_allowed: { status: 405, reason: 'Method not allowed.' },
  body_malformed: { status: 400, reason: 'Request body is malformed.', oauthError: 'invalid_request' },
  body_too_large: { status: 413, reason: 'Request body is too large.', oauthError: 'invalid_request' },
  unsupported_media_type: { status: 415, reason: 'Content type is not supported.', oauthError: 'invalid_request' },
  // Every 429 has MeshyDB's one documented sentence; the code names the limit that was hit.
  api_limit_exceeded: { status: 429, reason: LIMIT_SENTENCE, oauthError: 'temporarily_unavailable' },
  login_throttled_username: { status: 429, reason: LIMIT_SENTENCE, oauthError: 'temporarily_unavailable' },
  login_throttled_ip: { status: 429, reason: LIMIT_SENTENCE, oauthError: 'temporarily_unavailable' },
  unauthorized: { status: 401, reason: 'User is not authorized to make call.' },
  store_unavailable: { status: 503, reason: 'Service is temporarily unavailable.', oauthError: 'temporarily_unavailable' },
  busy: { status: 503, reason: 'Server is busy. Please try again shortly.', oauthError: 'temporarily_unavailable' },
  shutting_down: { status: 503, reason: 'Server is shutting down.', oauthError: 'temporarily_unavailable' },
  internal_error: { status: 500, reason: 'An unexpected error occurred.', oauthError: 'server_error' },

  // --- users
  username_required: { status: 400, reason: 'Username is required.' },
  username_field_required: { status: 400, reason: 'Username is a required field.' },
  username_taken: { status: 400, reason: 'Username must be unique.' },
  username_too_long: { status: 400, reason: 'Username must be at most 128 characters.' },
  anonymous_registration_disabled: { status: 400, reason: 'Anonymous registration is not enabled.' },
  public_registration_disabled: { status: 400, reason: 'Public registration is not enabled.' },
  email_required: { status: 400, reason: 'Email address is required when Email recovery is enabled.' },
  phone_required: { status: 400, reason: 'Phone number is required when Text recovery is enabled.' },
  security_question_required: {
    status: 400,
    reason: 'At least one Security Questions is required when Question recovery is enabled.',
  },
  email_invalid: { status: 400, reason: 'Email address must be in a valid format.' },
  phone_invalid: { status: 400, reason: 'Phone number must be in an international format.' },
  password_required: { status: 400, reason: 'New password is required.' },
  password_reserved: { status: 400, reason: 'New password cannot be the anonymous password.' },
  password_too_long: { status: 400, reason: 'New password must be at most 1024 characters.' },
  field_invalid: { status: 400, reason: 'A field has the wrong type.' },
  parameter_invalid: { status: 400, reason: 'A path or query parameter is invalid.' },

  // --- paging (every search)
  page_invalid: { status: 400, reason: 'Page must be a whole number from 1.' },
  page_size_invalid: { status: 400, reason: 'Page size must be a whole number from 1 to 200.' },

  // --- roles (roles/*.rst; "insufficent" is the docs' spelling)
  role_name_required: { status: 400, reason: 'Name is required.' },
  role_name_invalid: { status: 400, reason: 'Name can only be alpha characters only.' },
  role_name_reserved: { status: 400, reason: "Role cannot start with 'meshy.'." },
  role_name_taken: { status: 400, reason: 'Role already exists.' },
  role_system_undeletable: { status: 400, reason: "Unable to delete role that starts with 'meshy.'." },
  role_not_found: { status: 404, reason: 'Role was not found.' },
  roles_create_forbidden: { status: 403, reason: 'User has insufficent permission to create roles.' },
  roles_read_forbidden: { status: 403, reason: 'User has insufficent permission to read roles.' },
  roles_update_forbidden: { status: 403, reason: 'User has insufficent permission to update roles.' },
  roles_delete_forbidden: { status: 403, reason: 'User has insufficent permission to delete roles.' },
  permissions_create_forbidden: { status: 403, reason: 'User has insufficent permission to create permissions.' },
  permissible_name_required: { status: 400, reason: 'Permissible name is required.' },
  permission_flag_required: { status: 400, reason: 'At least one of the following must be set: Create, Update, Read, Delete.' },
  permissible_not_found: { status: 400, reason: 'Permissible does not exist.' },
  permissible_flag_unsupported: { status: 400, reason: 'Permisisble does not support the permission configuration.' },
  permission_role_not_found: { status: 400, reason: 'Role does not exist.' },
  permissible_taken: { status: 400, reason: 'Permissible was already configured for role.' },
  permissible_overlap: {
    status: 400,
    reason: "A higher permissible cannot be assigned to a role with a specific permission already. IE you cannot have 'meshes' and 'meshes.person' for the role.",
  },
  permission_not_found: { status: 404, reason: 'Permission was not found.' },

  // --- users administration (users/*.rst)
  user_not_found: { status: 404, reason: 'User is not found.' },
  user_delete_self: { status: 400, reason: 'User is not able to delete self.' },
  user_roles_unchangeable: { status: 400, reason: 'Unable to change user roles via API.' },
  user_roles_not_held: {
    status: 400,
    reason:
      'User cannot add roles they do not already have assigned. If a user has the update role permission they can assign any role to any user. However if they do not have this permission they can only assign roles they currently have assigned to themselves.',
  },
  users_create_forbidden: { status: 403, reason: 'User has insufficent permission to create users.' },
  users_read_forbidden: { status: 403, reason: 'User has insufficent permission to read users.' },
  users_update_forbidden: { status: 403, reason: 'User has insufficent permission to update users.' },
  users_delete_forbidden: { status: 403, reason: 'User has insufficent permission to delete users.' },
  order_by_invalid: { status: 400, reason: 'OrderBy is in an invalid format. It must be in a valid Mongo DB format.' },
  // Roles named in POST /users: "Role does not exist." is the docs' sentence for a role a body names.
  user_role_not_found: { status: 400, reason: 'Role does not exist.' },
  // PUT /users/{id}: the docs' sentences, which differ from registration's by their last words.
  user_email_required: { status: 400, reason: 'Email address is required when Email recovery is enabled and the user is not anonymous.' },
  user_phone_required: { status: 400, reason: 'Phone number is required when Text recovery is enabled and the user is not anonymous.' },
  // Ours, worded as the docs' roles sentence: PUT takes the user JSON back, but never renames.
  username_unchangeable: { status: 400, reason: 'Unable to change username via API.' },
  // POST /users/{id}/questions (users/updating_self.rst)
  security_questions_not_configured: { status: 400, reason: 'Unable to update security questions if question verification is not configured.' },
  security_questions_anonymous: { status: 400, reason: 'Anonymous user cannot have security questions.' },
  security_questions_empty: { status: 400, reason: 'At least one question is required.' },
  security_question_text_required: { status: 400, reason: 'Question text is required.' },
  security_answer_required: { status: 400, reason: 'Answer is required.' },

  // --- self-service (users/updating_self.rst)
  password_change_anonymous: { status: 400, reason: 'Anonymous user cannot change password.' },
  previous_password_required: { status: 400, reason: 'Previous password is required.' },
  previous_password_mismatch: { status: 400, reason: 'Previous password does not match existing password.' },

  // --- recovery and verification (users/password_recovery.rst, users/creating_users.rst)
  recovery_anonymous: { status: 400, reason: 'Anonymous user cannot recover password.' },
  // "User was not found." is forgotpassword's own sentence, unlike the administration routes'.
  recovery_user_not_found: { status: 404, reason: 'User was not found.' },
  // Ours: an account whose recovery is "none" has no way to prove a request.
  recovery_not_configured: { status: 400, reason: 'Password recovery is not configured.' },
  recovery_throttled_username: { status: 429, reason: LIMIT_SENTENCE },
  recovery_throttled_ip: { status: 429, reason: LIMIT_SENTENCE },
  hash_required: { status: 400, reason: 'Hash is required.' },
  expires_required: { status: 400, reason: 'Expires is required.' },
  verification_code_required: { status: 400, reason: 'Verification code is required.' },
  hash_expired: { status: 400, reason: 'Hash is expired.' },
  hash_invalid: { status: 400, reason: 'Request hash is invalid.' },
  reset_anonymous: { status: 400, reason: 'Anonymous user cannot be reset.' },
  verify_anonymous: { status: 400, reason: 'Anonymous user cannot be verified.' },
  user_already_verified: { status: 400, reason: 'User has already been verified.' },
  // --- meshes (data/*.rst; "insufficent" is the docs' spelling)
  mesh_name_invalid: { status: 400, reason: 'Mesh name is invalid and must be alpha characters only.' },
  mesh_property_invalid: { status: 400, reason: "Mesh property cannot begin with '$' or contain '.'." },
  mesh_id_taken: { status: 400, reason: 'Mesh already exists for provided id.' },
  mesh_data_missing: { status: 400, reason: 'No data was provided.' },
  mesh_batch_invalid: { status: 400, reason: 'Data is in an invalid format. The status of each object will be brought back to identify the error.' },
  mesh_not_found: { status: 404, reason: 'Mesh data was not found.' },
  meshes_create_forbidden: { status: 403, reason: 'User has insufficent permission to create meshes or specific mesh.' },
  meshes_read_forbidden: { status: 403, reason: 'User has insufficent permission to read meshes or mesh.' },
  meshes_update_forbidden: { status: 403, reason: 'User has insufficent permission to update meshes or mesh.' },
  meshes_delete_forbidden: { status: 403, reason: 'User has insufficent permission to delete meshes or mesh.' },
  filter_required: { status: 400, reason: 'Filter is required.' },
  update_required: { status: 400, reason: 'Update is required.' },
  filter_invalid: { status: 400, reason: 'Filter is in an invalid format. It must be in a valid Mongo DB format.' },
  update_invalid: { status: 400, reason: 'Update is in an invalid format. It must be in a valid Mongo DB format.' },
  mesh_order_by_invalid: { status: 400, reason: 'Order by is in an invalid format. It must be in a valid Mongo DB format.' },
  // DELETE /meshes/{mesh}?filter= words its two sentences differently from PATCH (deleting.rst).
  delete_filter_missing: { status: 400, reason: 'Filter was not provided.' },
  delete_filter_invalid: { status: 400, reason: 'Filter is in an invalid format.' },
  // A query that would scan more unindexed documents than the account's scan budget allows.
  database_limit_exceeded: { status: 429, reason: LIMIT_SENTENCE },
  // A query that ran past the store's statement timeout (PostgreSQL): the database was asked too much at once.
  database_timeout: { status: 429, reason: LIMIT_SENTENCE },
  // Ours, worded as the docs': what a stored document cannot be.
  mesh_data_not_object: { status: 400, reason: 'Mesh data must be a JSON object.' },
  mesh_id_invalid: { status: 400, reason: 'Mesh id must be a 24-character hexadecimal string.' },
  mesh_id_unchangeable: { status: 400, reason: 'Mesh id cannot be changed.' },
  mesh_number_invalid: { status: 400, reason: 'Mesh data can only hold finite numbers.' },
  mesh_data_too_deep: { status: 400, reason: 'Mesh data cannot be nested more than 100 levels deep.' },
  // Ours (MeshyDB's docs have no sentence for it): PostgreSQL cannot store U+0000 or an unpaired
  // surrogate in a value or a property name (query/storable-text.ts), so neither store takes one.
  mesh_text_invalid: { status: 400, reason: 'Mesh data cannot hold the character U+0000 or an unpaired surrogate.' },
  // PATCH whose $inc or $mul would leave the finite doubles: JSON would store the number as null.
  update_number_overflow: { status: 400, reason: 'Update would make a number too large to store.' },
  // Ours, as mesh_text_invalid: a PATCH that would write such text into a document it changes.
  update_text_invalid: { status: 400, reason: 'Update would put the character U+0000 or an unpaired surrogate in mesh data.' },
  // --- projections (data/projecting.rst; "insufficent" is the docs' spelling)
  projection_name_required: { status: 400, reason: 'Projection name is required.' },
  projection_order_by_invalid: { status: 400, reason: 'Order by is invalid.' },
  projections_read_forbidden: { status: 403, reason: 'User has insufficent permission to read projections.' },
  projection_not_found: { status: 404, reason: 'Projection was not found.' },
  // A blocking stage ($group, $sort, $facet, $bucketAuto) past its memory cap, or a pipeline
  // reading more documents than a run may: MeshyDB's one 429 sentence ("Database limit").
  projection_memory_limit: { status: 429, reason: LIMIT_SENTENCE },
  projection_scan_limit: { status: 429, reason: LIMIT_SENTENCE },
  // More runs waiting for the engine thread than it queues: a limit of the server, not a fault.
  projection_busy: { status: 429, reason: LIMIT_SENTENCE },
  // A run past its time (--projection-timeout): its thread is ended.
  projection_time_limit: { status: 429, reason: LIMIT_SENTENCE },
  // A stored pipeline that fails over the documents it meets (a $divide by zero, say); the detail goes to the log.
  projection_failed: { status: 400, reason: 'Projection could not be run over the documents.' },
  // Ours, worded as the docs' sentences for meshes and roles.
  projection_filter_invalid: { status: 400, reason: 'Filter is in an invalid format. It must be in a valid Mongo DB format.' },
  projection_name_invalid: { status: 400, reason: 'Projection name is invalid and must be alpha characters only.' },
  projection_name_taken: { status: 400, reason: 'Projection already exists.' },
  projection_mesh_invalid: { status: 400, reason: 'Mesh name is invalid and must be alpha characters only.' },
  // The reason names the stage and what is wrong with it, e.g. "Pipeline stage 2 ($out) is not supported."
  pipeline_invalid: { status: 400, reason: 'Pipeline is invalid.' },
  projections_create_forbidden: { status: 403, reason: 'User has insufficent permission to create projections.' },
  projections_update_forbidden: { status: 403, reason: 'User has insufficent permission to update projections.' },
  projections_delete_forbidden: { status: 403, reason: 'User has insufficent permission to delete projections.' },

  // --- token endpoint (RFC 6749 §5.2 codes)
  parameter_missing: { status: 400, reason: 'A required parameter is missing.', oauthError: 'invalid_request' },
  parameter_duplicated: { status: 400, reason: 'A parameter was given more than once.', oauthError: 'invalid_request' },
  client_invalid: { status: 400, reason: 'Client id is invalid.', oauthError: 'invalid_client' },
  grant_type_invalid: { status: 400, reason: 'Grant type is invalid.', oauthError: 'unsupported_grant_type' },
  scope_invalid: { status: 400, reason: 'Invalid Scope.', oauthError: 'invalid_scope' },
  username_invalid: { status: 400, reason: 'Username is invalid.', oauthError: 'invalid_grant' },
  password_invalid: { status: 400, reason: 'Password is invalid.', oauthError: 'invalid_grant' },
  user_inactive: { status: 400, reason: 'User is no longer active.', oauthError: 'invalid_grant' },
  // Ours (the docs: "The user must be verified to login if the verification method is email or phone number.").
  user_unverified: { status: 400, reason: 'User must be verified before logging in.', oauthError: 'invalid_grant' },
  refresh_token_unknown: { status: 400, reason: 'Token is invalid.', oauthError: 'invalid_grant' },
  refresh_token_malformed: { status: 400, reason: 'Token is invalid.', oauthError: 'invalid_grant' },
  refresh_token_revoked: { status: 400, reason: 'Token is invalid.', oauthError: 'invalid_grant' },
  refresh_token_reused: { status: 400, reason: 'Token is invalid.', oauthError: 'invalid_grant' },
  refresh_token_wrong_client: { status: 400, reason: 'Token is invalid.', oauthError: 'invalid_grant' },
  refresh_token_expired: { status: 400, reason: 'Refresh token is expired.', oauthError: 'invalid_grant' },

  // --- revocation (users/logging_out.rst)
  revocation_client_invalid: { status: 400, reason: 'Invalid client id.', oauthError: 'invalid_client' },
  token_missing: { status: 400, reason: 'Token is missing.', oauthError: 'invalid_request' },
  token_type_unsupported: { status: 400, reason: 'Unsupported Token type.', oauthError: 'unsupported_token_type' },
} as const satisfies Record<string, { status: number; reason: string; oauthError?: string }>;

export type ReasonCode = keyof typeof reasons;

/** The one error type of the project: routes and the domain throw it, one handler writes it. */
export class ApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly oauthError: string;
  /** Extra response headers, e.g. Retry-After. */
  headers: Record<string, string> = {};
  /** More fields of the MeshyDB body after statusCode, code and message (a bulk create's per-object errors). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    readonly code: ReasonCode,
    options: { reason?: string; detail?: string; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    const entry: { status: number; reason: string; oauthError?: string } = reasons[code];
    super(options.detail ?? entry.reason);
    this.name = 'ApiError';
    this.status = entry.status;
    this.reason = options.reason ?? entry.reason;
    this.oauthError = entry.oauthError ?? (entry.status >= 500 ? 'server_error' : 'invalid_request');
    if (options.headers) this.headers = options.headers;
    this.extra = options.extra;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Not a JSON Schema keyword: a declared string that holds U+0000 (http/text-fields.ts). */
export const NUL_CHARACTER_KEYWORD = 'nulCharacter';

/** A field of a request that failed its route's schema (http/validation.ts). */
export interface FieldProblem {
  /** The top-level field, e.g. `username` or `securityQuestions`. */
  field: string;
  /** The problem is inside one of the field's items (a security question), not the field itself. */
  inItem: boolean;
  /** The schema keyword that failed: type, maxLength, maxItems, required, ..., or NUL_CHARACTER_KEYWORD. */
  keyword: string;
  limit: number | undefined;
  /** For a type error, the type the schema wanted. */
  expected: string | undefined;
}

/** Fields whose every schema failure has one reason of its own, whatever the keyword. */
const fieldCodes: Partial<Record<string, ReasonCode>> = {
  page: 'page_invalid',
  pageSize: 'page_size_invalid',
  orderBy: 'order_by_invalid',
  // The meshes routes' path parameter (its pattern: letters only).
  mesh: 'mesh_name_invalid',
};

/** Fields whose documented sentence for "missing" has a code of its own. */
const requiredFieldCodes: Partial<Record<string, ReasonCode>> = {
  username: 'username_field_required',
  newPassword: 'password_required',
};

/**
 * The sentence a client sees for a field that fails its schema, in one place: MeshyDB's where its
 * docs give one, else a plain sentence naming the field, always with a stable code.
 */
export function fieldReason(problem: FieldProblem): ApiError {
  const { field, inItem, keyword, limit, expected } = problem;
  // Own keys only: a body's field may be called `constructor` or `__proto__`.
  const own = Object.hasOwn(fieldCodes, field) ? fieldCodes[field] : undefined;
  if (own) return new ApiError(own);
  if (keyword === NUL_CHARACTER_KEYWORD) {
    return new ApiError('field_invalid', { reason: `${field === 'securityQuestions' ? 'Security questions' : field} must not contain the character U+0000.` });
  }
  if (keyword === 'required' && !inItem) {
    const code = Object.hasOwn(requiredFieldCodes, field) ? requiredFieldCodes[field] : undefined;
    return code ? new ApiError(code) : new ApiError('field_invalid', { reason: `${field} is a required field.` });
  }
  if (field === 'securityQuestions') {
    if (!inItem) return new ApiError('field_invalid', { reason: 'securityQuestions must be a list of at most 20 questions.' });
    if (keyword === 'maxLength') return new ApiError('field_invalid', { reason: 'Security questions and answers must be at most 1024 characters.' });
    return new ApiError('field_invalid', { reason: 'Each security question needs a question and an answer.' });
  }
  if (keyword === 'maxLength') return new ApiError('field_invalid', { reason: `${field} must be at most ${limit} characters.` });
  if (keyword === 'minLength') return new ApiError('field_invalid', { reason: `${field} must not be empty.` });
  const type = expected === 'array' ? 'list' : expected === 'object' ? 'JSON object' : (expected ?? 'string');
  return new ApiError('field_invalid', { reason: `${field} must be a ${type}.` });
}
