/**
 * @openmeshy/sdk: MeshyDB's NodeJS SDK API for OpenMeshy, for Node 20+ and browsers. No
 * dependencies beyond fetch and crypto. `fileStorage` (Node only) is in `@openmeshy/sdk/node`.
 */
export { MeshyClient, DEFAULT_BASE_URL, type MeshyClientOptions } from './meshy-client.js';
export { MeshyConnection } from './meshy-connection.js';
export { MeshesService } from './services/meshes-service.js';
export { ProjectionsService } from './services/projections-service.js';
export { RolesService } from './services/roles-service.js';
export { UsersService } from './services/users-service.js';
export { MeshyError, Reasons, SdkErrorCodes, type MeshItemError } from './errors.js';
export { memoryStorage, browserStorage, defaultStorage, type StorageAdapter } from './storage.js';
export { ANONYMOUS_PASSWORD, DEFAULT_SCOPE } from './token-requests.js';
export type {
  BatchRoleAdd,
  BatchRoleRemove,
  BatchRoleUsers,
  CreateManyResult,
  CurrentUser,
  DeleteManyResult,
  MeshData,
  MeshRecord,
  MeshSearch,
  MongoDocument,
  NewUser,
  PagedResult,
  Projection,
  ProjectionInput,
  ProjectionQuery,
  PageQuery,
  Permissible,
  PermissibleSearch,
  Permission,
  PermissionFlag,
  PermissionInput,
  PermissionSearch,
  RegisterUser,
  ResetPassword,
  SelfUpdate,
  UserVerificationCheck,
  Role,
  RoleInput,
  RoleRef,
  RoleSearch,
  SecurityQuestion,
  SecurityQuestionUpdate,
  TokenResponse,
  UpdateManyResult,
  User,
  UserExists,
  UserRole,
  UserSearch,
  UserUpdate,
  UserVerificationHash,
} from './types.js';
