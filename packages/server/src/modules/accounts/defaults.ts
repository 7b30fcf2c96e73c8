import type { AccountSettings, ClientSettings } from './types.js';

/** MeshyDB's and IdentityServer's defaults; each is changeable per account or client by the CLI. */
export const defaultAccountSettings: AccountSettings = {
  anonymousRegistration: true,
  publicRegistration: true,
  recovery: 'none',
  // No API limit, as Parse Server and PocketBase: a fixed default capped every account of a fresh
  // install (60,000 a minute was 1,000 requests a second). An operator hosting many tenants sets
  // one per account. Accounts store their settings whole when created, so an account made with
  // the old default keeps its 60,000 until `account set NAME --api-limit unlimited`.
  apiRequestLimit: null,
  apiLimitWindowSeconds: 60,
  corsOrigins: [],
  // Keycloak-like: 5 free tries, then 1 s, 2 s, 4 s ... at most 60 s between tries; 20 failures lock
  // the username for 15 minutes. One IP gets more room (a shared NAT) before the same treatment.
  loginThrottle: {
    freeFailures: 5,
    maxBackoffSeconds: 60,
    lockFailures: 20,
    lockSeconds: 900,
    ipFreeFailures: 50,
    ipLockFailures: 200,
  },
  defaultPermissions: [
    { permissibleName: 'meshes', create: true, read: true, update: true, delete: true },
    { permissibleName: 'projections', create: false, read: true, update: false, delete: false },
  ],
  // Generous: a scan of a million small documents takes about a second, which a reader thread
  // absorbs; an operator who wants every query indexed sets 0 (`--scan-budget 0`).
  scanBudget: 1_000_000,
};

export const defaultClientSettings: ClientSettings = {
  accessTokenLifetimeSeconds: 3600,
  refreshTokenAbsoluteLifetimeSeconds: 2_592_000,
  refreshTokenSlidingLifetimeSeconds: 1_296_000,
  refreshTokenReuseGraceSeconds: 10,
};
