import type { AccountSettings, ClientSettings } from '../store/types.js';

/** MeshyDB's and IdentityServer's defaults; each is changeable per account or client by the CLI. */
export const defaultAccountSettings: AccountSettings = {
  anonymousRegistration: true,
  publicRegistration: true,
  recovery: 'none',
  // ~1,000 requests a second averaged over a minute: far above one app's normal traffic, low
  // enough that a runaway client is cut off before it starves the other accounts.
  apiRequestLimit: 60_000,
  apiLimitWindowSeconds: 60,
  corsOrigins: [],
};

export const defaultClientSettings: ClientSettings = {
  accessTokenLifetimeSeconds: 3600,
  refreshTokenAbsoluteLifetimeSeconds: 2_592_000,
  refreshTokenSlidingLifetimeSeconds: 1_296_000,
  refreshTokenReuseGraceSeconds: 10,
};
