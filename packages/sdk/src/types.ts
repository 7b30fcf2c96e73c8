/** Request and response shapes of MeshyDB's REST API, as OpenMeshy serves them. */

/** 200 of POST /{account}/connect/token. */
export interface TokenResponse {
  access_token: string;
  /** Lifetime of the access token in seconds. */
  expires_in: number;
  token_type: 'Bearer';
  scope?: string;
  /** Present when `offline_access` was granted (the SDK always asks for it). */
  refresh_token?: string;
}

/** A role a user holds, as users answer it (users/retrieving_self.rst). */
export interface UserRole {
  name: string;
  /** ISO 8601. */
  addedDate: string;
}

export interface SecurityQuestion {
  question: string;
  /** Write-only: the server answers "..." instead of the stored answer. */
  answer: string;
}

/** A user as the API returns it (users/retrieving_self.rst). */
export interface User {
  id: string;
  username: string;
  firstName: string | null;
  lastName: string | null;
  verified: boolean;
  isActive: boolean;
  phoneNumber: string | null;
  emailAddress: string | null;
  roles: UserRole[];
  securityQuestions: SecurityQuestion[];
  anonymous: boolean;
  /** ISO 8601, or null when never. */
  lastAccessed: string | null;
}

/** Body of POST /{account}/users/register (users/creating_users.rst). */
export interface RegisterUser {
  username: string;
  newPassword: string;
  firstName?: string;
  lastName?: string;
  /** Required when the account recovers passwords by text message; international format. */
  phoneNumber?: string;
  /** Required when the account recovers passwords by e-mail. */
  emailAddress?: string;
  /** Required when the account recovers passwords by security question. */
  securityQuestions?: SecurityQuestion[];
}

/** The 201 of a registration that must be verified (e-mail or text verification). */
export interface UserVerificationHash {
  username: string;
  attempt: number;
  hash: string;
  /** ISO 8601. */
  expires: string;
  hint: string;
}

/**
 * A request carried back with its proof (users/password_recovery.rst, creating_users.rst "Check
 * Hash" and "Verify"): what forgotPassword or registerUser answered, plus the code sent by e-mail
 * or text, or the answer to the security question. `expires` may be the string as received or a
 * Date (MeshyDB's SDK parses it); it is sent as ISO 8601 either way. `attempt` defaults to 1.
 */
export interface UserVerificationCheck {
  username: string;
  attempt?: number;
  hash: string;
  expires: string | Date;
  hint?: string;
  verificationCode: string;
}

/** POST /{account}/users/resetpassword: the check and the new password. */
export interface ResetPassword extends UserVerificationCheck {
  newPassword: string;
}

/** PUT /{account}/users/me: the caller's own personal information (replaced whole). */
export interface SelfUpdate {
  firstName?: string | null;
  lastName?: string | null;
  phoneNumber?: string | null;
  emailAddress?: string | null;
}

/** GET /{account}/users/{username}/exists. */
export interface UserExists {
  exists: boolean;
}

/** The logged-in user, read from the access token's claims (no request). */
export interface CurrentUser {
  /** The user's id (the token's `sub`). */
  id: string;
  username: string;
  firstName: string | undefined;
  lastName: string | undefined;
  roles: string[];
  permissions: string[];
  /** Granted scopes, e.g. ["meshy.api", "offline_access"]. */
  scopes: string[];
}

/** The answer of every search: one page of results and how many there are in all. */
export interface PagedResult<T> {
  /** From 1. */
  page: number;
  pageSize: number;
  results: T[];
  totalRecords: number;
}

/** Paging of every search (MeshyDB: page from 1, 25 a page, at most 200). Omitted: the server's default. */
export interface PageQuery {
  page?: number;
  pageSize?: number;
}

/** A role of the account (roles/*.rst). */
export interface Role {
  id: string;
  /** Letters only; unique per account regardless of case. */
  name: string;
  description: string | null;
  /** Read-only: how many users hold the role. */
  numberOfUsers?: number;
}

/** Body of rolesService.create and update. A Role read earlier can be passed back as it is. */
export interface RoleInput {
  name: string;
  description?: string | null;
}

/** The docs' REST examples write flags as strings; the SDK sends booleans either way. */
export type PermissionFlag = boolean | 'true' | 'false';

/** What a role may do with one permissible (`meshes`, `meshes.person`, `users`, `roles`, ...). */
export interface Permission {
  id: string;
  permissibleName: string;
  create: boolean;
  update: boolean;
  read: boolean;
  delete: boolean;
}

/** Body of rolesService.createPermission and updatePermission. At least one flag must be true. */
export interface PermissionInput {
  permissibleName: string;
  create?: PermissionFlag;
  update?: PermissionFlag;
  read?: PermissionFlag;
  delete?: PermissionFlag;
}

/** Something a permission can name, and which actions make sense on it. */
export interface Permissible {
  name: string;
  canCreate: boolean;
  canUpdate: boolean;
  canRead: boolean;
  canDelete: boolean;
}

/** Body of rolesService.addUsers and removeUsers: `{ users: [{ id }] }`. */
export interface BatchRoleUsers {
  users: Array<{ id: string }>;
}
/** The docs' name for addUsers' body. */
export type BatchRoleAdd = BatchRoleUsers;
/** The docs' name for removeUsers' body. */
export type BatchRoleRemove = BatchRoleUsers;

/** rolesService.search: a case-insensitive partial name. */
export interface RoleSearch extends PageQuery {
  name?: string;
}

/** rolesService.searchPermission: a case-insensitive partial permissible name. */
export interface PermissionSearch extends PageQuery {
  permissibleName?: string;
}

/** rolesService.searchPermissible: a case-insensitive partial name. */
export interface PermissibleSearch extends PageQuery {
  name?: string;
}

/** usersService.search (users/searching.rst). */
export interface UserSearch extends PageQuery {
  /** Case-insensitive partial name. */
  name?: string;
  /** Only users holding this role. */
  roleId?: string;
  /** MongoDB sort, e.g. `{ "username": 1 }`, as an object or as its JSON text. */
  orderBy?: string | Record<string, unknown>;
  /** Default true: inactive users are left out unless false. */
  activeOnly?: boolean;
}

/** Body of usersService.create (POST /users, users/creating_users.rst "New User"). */
export interface NewUser {
  username: string;
  newPassword: string;
  firstName?: string | null;
  lastName?: string | null;
  phoneNumber?: string | null;
  emailAddress?: string | null;
  securityQuestions?: SecurityQuestion[] | null;
  /** Default false. */
  verified?: boolean;
  /** Default false: an inactive user cannot log in. */
  isActive?: boolean;
  /** Roles to give the user at once: ones the caller holds, or any with permission to update roles. */
  roles?: RoleRef[] | null;
}

/** A role named in a user's body: by name (a UserRole read earlier will do) or by id. */
export type RoleRef = { name: string; addedDate?: string } | { id: string };

/**
 * Body of usersService.update (PUT /users/{id}): the personal information, replaced whole (a field
 * left out is cleared). A User read earlier can be passed back as it is: its username and roles
 * must then be the user's own, as they cannot be changed here, and its other fields are ignored.
 */
export interface UserUpdate {
  username?: string;
  firstName?: string | null;
  lastName?: string | null;
  phoneNumber?: string | null;
  emailAddress?: string | null;
  roles?: RoleRef[] | null;
}

/** Body of usersService.updateUserSecurityQuestion: the user's new questions, replacing the old. */
export interface SecurityQuestionUpdate {
  securityQuestions: SecurityQuestion[];
}

/**
 * What a mesh record may carry when it is written (data/creating.rst): any JSON object. `_id`,
 * when given to `create`, is the id the record gets (a 24-hex ObjectId); otherwise the server
 * makes one. The docs' getting-started model writes `_id: undefined`, which is left out.
 */
export interface MeshData {
  _id?: string | undefined;
}

/** A mesh record as the server answers it: the caller's fields and its `_id` (first). */
export type MeshRecord<T extends object = Record<string, unknown>> = T & { _id: string };

/**
 * A MongoDB filter, orderBy or update: an object (sent as its JSON, a RegExp in a filter as
 * `RegExp("source","flags")`), or the text itself in MongoDB shell syntax, as the docs write it:
 * `{ 'firstName': { "$regex": "^Rob" } }`.
 */
export type MongoDocument = string | Record<string, unknown>;

/** meshesService.search (data/searching.rst). Omitted fields are left to the server: every record, page 1, 25 a page (at most 200). */
export interface MeshSearch extends PageQuery {
  filter?: MongoDocument | null;
  /** e.g. `{ lastName: 1, firstName: -1 }`. Ties are broken by `_id`, so pages are stable. */
  orderBy?: MongoDocument | null;
  /** The docs' NodeJS tab names the page `pageNumber`: the same as `page`. */
  pageNumber?: number;
}

/** 201 of meshesService.createMany (POST /meshes/{mesh} with an array). */
export interface CreateManyResult<T extends object = Record<string, unknown>> {
  createdCount: number;
  createdData: MeshRecord<T>[];
}

/** 200 of meshesService.updateMany (PATCH /meshes/{mesh}). */
export interface UpdateManyResult {
  isAcknowledged: boolean;
  isModifiedCountAvailable: boolean;
  /** Records the filter matched. */
  matchedCount: number;
  /** Of those, records the update changed. */
  modifiedCount: number;
  /** Always null: updateMany never inserts. */
  upsertedId: string | null;
}

/** 200 of meshesService.deleteMany (DELETE /meshes/{mesh}?filter=). */
export interface DeleteManyResult {
  deletedCount: number;
  isAcknowledged: boolean;
}

/** projectionsService.get (data/projecting.rst): over the pipeline's output; omitted fields are the server's defaults. */
export interface ProjectionQuery extends PageQuery {
  filter?: MongoDocument | null;
  /** e.g. `{ Name: -1, Age: 1 }`. */
  orderBy?: MongoDocument | null;
}

/** A stored projection's definition, as GET /projections answers it. */
export interface Projection {
  id: string;
  name: string;
  /** The mesh the pipeline reads, lower-cased. */
  mesh: string;
  description: string | null;
  /** MongoDB aggregation stages. */
  pipeline: Record<string, unknown>[];
}

/** Body of projectionsService.create and update. */
export interface ProjectionInput {
  /** Alpha characters; unique regardless of case. */
  name: string;
  mesh: string;
  pipeline: Record<string, unknown>[];
  description?: string | null;
}
