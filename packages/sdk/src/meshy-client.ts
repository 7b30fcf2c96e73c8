import { getCurrentConnection, setCurrentConnection } from './current-connection.js';
import { send, type Transport } from './http.js';
import { MeshyConnection } from './meshy-connection.js';
import { defaultRefreshPolicy, type RefreshPolicy } from './refresh-policy.js';
import { newSessionId, recordFromTokens, type SessionRecord } from './session-record.js';
import { SessionSlot } from './session-slot.js';
import { defaultStorage, type StorageAdapter } from './storage.js';
import { ANONYMOUS_PASSWORD, passwordGrant, refreshGrant } from './token-requests.js';
import type { RegisterUser, ResetPassword, TokenResponse, User, UserExists, UserVerificationCheck, UserVerificationHash } from './types.js';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

export interface MeshyClientOptions {
  /** Where the server is, without the account: default http://127.0.0.1:8080. */
  baseUrl?: string;
  /** Where the session is kept: default localStorage in a browser, memory elsewhere. */
  storage?: StorageAdapter;
  /** The fetch to use: default the platform's. */
  fetch?: typeof fetch;
  /** Clock for token expiry, in epoch milliseconds: default Date.now. */
  now?: () => number;
  /** Refresh this many seconds before the access token expires (default 30, at most half its lifetime). */
  refreshLeewaySeconds?: number;
  /** Retries of a refresh that got no answer (default 2). */
  refreshRetries?: number;
  /** Delay before the first such retry, doubling after (default 250 ms). */
  retryDelayMs?: number;
}

/**
 * Entry point, as in MeshyDB's NodeJS SDK: `MeshyClient.initialize(accountName, publicKey)`,
 * then one of the login methods gives a MeshyConnection (also kept in `MeshyClient.currentConnection`).
 */
export class MeshyClient {
  /** The connection made by the latest login or restore; null after it signs out or its session ends. */
  static get currentConnection(): MeshyConnection | null {
    return getCurrentConnection();
  }
  static set currentConnection(connection: MeshyConnection | null) {
    setCurrentConnection(connection);
  }

  static initialize(accountName: string, publicKey: string, options: MeshyClientOptions = {}): MeshyClient {
    if (typeof accountName !== 'string' || accountName === '') throw new TypeError('accountName is required.');
    if (typeof publicKey !== 'string' || publicKey === '') throw new TypeError('publicKey is required.');
    return new MeshyClient(accountName, publicKey, options);
  }

  readonly accountName: string;
  readonly publicKey: string;
  readonly baseUrl: string;
  private readonly transport: Transport;
  private readonly slot: SessionSlot;
  private readonly policy: RefreshPolicy;

  private constructor(accountName: string, publicKey: string, options: MeshyClientOptions) {
    this.accountName = accountName;
    this.publicKey = publicKey;
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    const platformFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);
    this.transport = { baseUrl: this.baseUrl, accountName, fetch: options.fetch ?? platformFetch };
    // One session per (server, account, client) in a storage: a new login replaces it.
    this.slot = new SessionSlot(options.storage ?? defaultStorage(), `openmeshy.session:${this.baseUrl}/${accountName}:${publicKey}`);
    this.policy = {
      now: options.now ?? defaultRefreshPolicy.now,
      refreshLeewaySeconds: options.refreshLeewaySeconds ?? defaultRefreshPolicy.refreshLeewaySeconds,
      refreshRetries: options.refreshRetries ?? defaultRefreshPolicy.refreshRetries,
      retryDelayMs: options.retryDelayMs ?? defaultRefreshPolicy.retryDelayMs,
    };
  }

  /** Password login (authorization/generating_token.rst). Replaces any session kept in the storage. */
  async login(username: string, password: string): Promise<MeshyConnection> {
    return this.connect(await passwordGrant(this.transport, this.publicKey, username, password));
  }

  /** Login of an anonymous user, who has the fixed password `nopassword`. */
  loginAnonymously(username: string): Promise<MeshyConnection> {
    return this.login(username, ANONYMOUS_PASSWORD);
  }

  /** Starts a session from a refresh token (authorization/refreshing_token.rst). The token is spent. */
  async loginWithRefresh(refreshToken: string): Promise<MeshyConnection> {
    return this.connect(await refreshGrant(this.transport, this.publicKey, refreshToken));
  }

  /** The session kept in the storage from an earlier run or another tab, or null when there is none. No request is made. */
  async restoreConnection(): Promise<MeshyConnection | null> {
    const record = await this.slot.read();
    if (!record) return null;
    return this.adopt(record);
  }

  /** users/creating_users.rst: without a username the server makes one up. */
  registerAnonymousUser(username?: string): Promise<User> {
    return send<User>(this.transport, { method: 'POST', path: 'users/register/anonymous', json: { username } });
  }

  /**
   * users/creating_users.rst. Resolves to undefined when the user can log in at once (204), or to
   * the verification request when the account verifies users by e-mail or text (201).
   */
  async registerUser(user: RegisterUser): Promise<UserVerificationHash | undefined> {
    return send<UserVerificationHash | undefined>(this.transport, { method: 'POST', path: 'users/register', json: user });
  }

  /** GET /{account}/users/{username}/exists. */
  checkUserExist(username: string): Promise<UserExists> {
    return send<UserExists>(this.transport, { method: 'GET', path: `users/${encodeURIComponent(username)}/exists` });
  }

  /**
   * POST /{account}/users/forgotpassword (users/password_recovery.rst): starts a reset. The code
   * goes to the user's e-mail or phone (`hint` says where, masked), or with question recovery
   * `hint` is the question `attempt` picks (default 1).
   */
  forgotPassword(username: string, attempt?: number): Promise<UserVerificationHash> {
    return send<UserVerificationHash>(this.transport, { method: 'POST', path: 'users/forgotpassword', json: { username, attempt } });
  }

  /** POST /{account}/users/checkhash: whether the request and its code (or answer) are valid, without spending it. */
  async checkHash(request: UserVerificationCheck): Promise<boolean> {
    return (await send<boolean>(this.transport, { method: 'POST', path: 'users/checkhash', json: request })) === true;
  }

  /** POST /{account}/users/resetpassword: 204. Every login of the user ends; log in with the new password. */
  async resetPassword(request: ResetPassword): Promise<void> {
    await send<void>(this.transport, { method: 'POST', path: 'users/resetpassword', json: request });
  }

  /** POST /{account}/users/verify (users/creating_users.rst): 204; the registered user may now log in. */
  async verify(request: UserVerificationCheck): Promise<void> {
    await send<void>(this.transport, { method: 'POST', path: 'users/verify', json: request });
  }

  /** The name MeshyDB's published SDK gives `verify`. */
  verifyUser(request: UserVerificationCheck): Promise<void> {
    return this.verify(request);
  }

  private async connect(tokens: TokenResponse): Promise<MeshyConnection> {
    // Under the slot's lock: a refresh of the session being replaced cannot write it back.
    const record = await this.slot.locked(async (view) => {
      const next = recordFromTokens(newSessionId(), view.nextRevision, tokens, this.policy.now());
      await view.write(next);
      return next;
    });
    return this.adopt(record);
  }

  private adopt(record: SessionRecord): MeshyConnection {
    const connection = new MeshyConnection({ transport: this.transport, publicKey: this.publicKey, slot: this.slot, policy: this.policy }, record);
    setCurrentConnection(connection);
    return connection;
  }
}
