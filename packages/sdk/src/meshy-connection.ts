import { authorizedCall, type AuthorizedCall } from './authorized-call.js';
import { currentUserFrom } from './claims.js';
import { clearCurrentConnection } from './current-connection.js';
import { sessionEndedError } from './errors.js';
import type { Transport } from './http.js';
import { Session, type SessionDeps } from './session.js';
import type { SessionRecord } from './session-record.js';
import { MeshesService } from './services/meshes-service.js';
import { ProjectionsService } from './services/projections-service.js';
import { RolesService } from './services/roles-service.js';
import { UsersService } from './services/users-service.js';
import { revokeRefreshToken } from './token-requests.js';
import type { CurrentUser } from './types.js';

/** A logged-in user's connection: the services, the session's tokens, and sign-out. */
export class MeshyConnection {
  readonly usersService: UsersService;
  readonly rolesService: RolesService;
  readonly meshesService: MeshesService;
  readonly projectionsService: ProjectionsService;
  private readonly session: Session;
  private readonly transport: Transport;
  private readonly publicKey: string;
  private readonly call: AuthorizedCall;

  /** @internal Made by MeshyClient's login methods. */
  constructor(deps: Omit<SessionDeps, 'onEnded'>, record: SessionRecord) {
    this.transport = deps.transport;
    this.publicKey = deps.publicKey;
    this.session = new Session({ ...deps, onEnded: () => clearCurrentConnection(this) }, record);
    this.call = authorizedCall(this.session, this.transport);
    this.usersService = new UsersService(this.call);
    this.rolesService = new RolesService(this.call);
    this.meshesService = new MeshesService(this.call);
    this.projectionsService = new ProjectionsService(this.call);
  }

  /** The same service as `meshesService`: the docs' NodeJS tabs write both. */
  get meshes(): MeshesService {
    return this.meshesService;
  }

  /** The same service as `projectionsService`: the docs' NodeJS tab writes `meshyConnection.projections.get`. */
  get projections(): ProjectionsService {
    return this.projectionsService;
  }

  /** The logged-in user, from the access token's claims; null once the session has ended. */
  get currentUser(): CurrentUser | null {
    const record = this.session.snapshot();
    return record ? currentUserFrom(record.accessToken) : null;
  }

  /**
   * POST /{account}/users/me/password (users/updating_self.rst, "Changing Password"): 204. Every
   * other login of the user ends; this connection keeps working.
   */
  async updatePassword(previousPassword: string, newPassword: string): Promise<void> {
    await this.call<void>({ method: 'POST', path: 'users/me/password', json: { previousPassword, newPassword } });
  }

  /**
   * The session's current refresh token (it changes at every refresh), e.g. to hand to
   * `client.loginWithRefresh` later. Throws a `session_ended` MeshyError once the session has ended.
   */
  retrieveRefreshToken(): string {
    const token = this.session.snapshot()?.refreshToken;
    if (!token) throw sessionEndedError();
    return token;
  }

  /**
   * Revokes the refresh token at the server (which ends every token of this login), then forgets
   * the session. If the server cannot be reached the session is kept and the error thrown, so
   * the sign-out can be tried again. Signing out an ended session does nothing.
   */
  async signout(): Promise<void> {
    await this.session.signout((refreshToken) => revokeRefreshToken(this.transport, this.publicKey, refreshToken));
    clearCurrentConnection(this);
  }
}
