import { AccountNameError, createAccount, newClient } from '../modules/accounts/accounts.js';
import type { Account, AccountSettings, Client, ClientSettings, LoginThrottleSettings, RecoveryMethod } from '../modules/accounts/types.js';
import type { Store } from '../store/store.js';
import { checkGrants, parseGrantsOption } from './grants.js';
import { count, onOff, output, seconds, UsageError, type Options } from './usage.js';

export async function accountCommand(store: Store, action: string | undefined, args: string[], options: Options): Promise<void> {
  const json = options.json === true;
  if (action === 'create') {
    const name = args[0];
    if (!name) throw new UsageError('usage: openmeshy account create NAME');
    try {
      const { account, client } = await createAccount(store, name, Date.now());
      output(json, { accountName: account.name, publicKey: client.publicKey }, `account ${account.name} created; publicKey ${client.publicKey}`);
    } catch (error) {
      if (error instanceof AccountNameError) throw new UsageError(error.message);
      throw error;
    }
  } else if (action === 'list') {
    const accounts = await store.accounts.list();
    output(json, accounts.map(accountJson), accounts.map((a) => a.name).join('\n') || '(no accounts)');
  } else if (action === 'set') {
    const account = await findAccount(store, args[0]);
    const settings = applyAccountOptions(account.settings, options);
    const defaults = options['default-permissions'];
    if (typeof defaults === 'string') {
      settings.defaultPermissions = await checkGrants('--default-permissions', parseGrantsOption('--default-permissions', defaults));
    }
    await store.accounts.updateSettings(account.id, settings);
    output(json, accountJson({ ...account, settings }), `account ${account.name} updated`);
  } else {
    throw new UsageError('usage: openmeshy account create NAME | list | set NAME [options]');
  }
}

export async function clientCommand(store: Store, action: string | undefined, args: string[], options: Options): Promise<void> {
  const json = options.json === true;
  if (action === 'create') {
    const account = await findAccount(store, args[0]);
    const client = newClient(account.id, Date.now());
    await store.clients.create(client);
    output(json, { accountName: account.name, publicKey: client.publicKey }, `client ${client.publicKey} created in ${account.name}`);
  } else if (action === 'list') {
    const account = await findAccount(store, args[0]);
    const clients = await store.clients.list(account.id);
    output(json, clients.map(clientJson), clients.map((c) => c.publicKey).join('\n'));
  } else if (action === 'set') {
    const client = args[0] ? await store.clients.find(args[0]) : undefined;
    if (!client) throw new UsageError(`no client "${args[0] ?? ''}"; usage: openmeshy client set PUBLICKEY [options]`);
    const settings = applyClientOptions(client.settings, options);
    await store.clients.updateSettings(client.publicKey, settings);
    output(json, clientJson({ ...client, settings }), `client ${client.publicKey} updated`);
  } else {
    throw new UsageError('usage: openmeshy client create ACCOUNT | list ACCOUNT | set PUBLICKEY [options]');
  }
}

export async function findAccount(store: Store, name: string | undefined): Promise<Account> {
  const account = name ? await store.accounts.findByName(name) : undefined;
  if (!account) throw new UsageError(`no account "${name ?? ''}"`);
  return account;
}

function accountJson(account: Account) {
  return { accountName: account.name, createdAt: new Date(account.createdAt).toISOString(), settings: account.settings };
}

function clientJson(client: Client) {
  return { publicKey: client.publicKey, createdAt: new Date(client.createdAt).toISOString(), settings: client.settings };
}

const recoveryMethods: RecoveryMethod[] = ['none', 'email', 'text', 'question'];

function applyAccountOptions(current: AccountSettings, options: Options): AccountSettings {
  const next = { ...current };
  const str = (name: string) => (typeof options[name] === 'string' ? (options[name] as string) : undefined);
  if (str('anonymous-registration')) next.anonymousRegistration = onOff('--anonymous-registration', str('anonymous-registration')!);
  if (str('public-registration')) next.publicRegistration = onOff('--public-registration', str('public-registration')!);
  const recovery = str('recovery');
  if (recovery) {
    if (!recoveryMethods.includes(recovery as RecoveryMethod)) throw new UsageError(`--recovery must be one of ${recoveryMethods.join(', ')}`);
    next.recovery = recovery as RecoveryMethod;
  }
  const limit = str('api-limit');
  if (limit) next.apiRequestLimit = limit === 'unlimited' ? null : count('--api-limit', limit, 1);
  const cors = str('cors-origins');
  if (cors !== undefined) next.corsOrigins = parseOrigins(cors);
  const window = str('api-window');
  if (window) next.apiLimitWindowSeconds = seconds('--api-window', window, 1);
  next.loginThrottle = applyThrottleOptions(next.loginThrottle, str);
  const budget = str('scan-budget');
  if (budget) next.scanBudget = count('--scan-budget', budget, 0);
  return next;
}

const throttleFlags: [string, keyof LoginThrottleSettings, number, typeof count][] = [
  ['login-free-failures', 'freeFailures', 0, count],
  ['login-max-backoff', 'maxBackoffSeconds', 1, seconds],
  ['login-lock-failures', 'lockFailures', 1, count],
  ['login-lock-seconds', 'lockSeconds', 1, seconds],
  ['login-ip-free-failures', 'ipFreeFailures', 0, count],
  ['login-ip-lock-failures', 'ipLockFailures', 1, count],
];

export const throttleFlagNames = throttleFlags.map(([flag]) => flag);

function applyThrottleOptions(current: LoginThrottleSettings, str: (name: string) => string | undefined): LoginThrottleSettings {
  const next = { ...current };
  for (const [flag, key, min, parse] of throttleFlags) {
    const raw = str(flag);
    if (raw) next[key] = parse(`--${flag}`, raw, min);
  }
  return next;
}

function applyClientOptions(current: ClientSettings, options: Options): ClientSettings {
  const next = { ...current };
  const str = (name: string) => (typeof options[name] === 'string' ? (options[name] as string) : undefined);
  if (str('access-token-lifetime')) next.accessTokenLifetimeSeconds = seconds('--access-token-lifetime', str('access-token-lifetime')!, 60);
  if (str('refresh-absolute-lifetime')) next.refreshTokenAbsoluteLifetimeSeconds = seconds('--refresh-absolute-lifetime', str('refresh-absolute-lifetime')!, 60);
  if (str('refresh-sliding-lifetime')) next.refreshTokenSlidingLifetimeSeconds = seconds('--refresh-sliding-lifetime', str('refresh-sliding-lifetime')!, 60);
  if (str('reuse-grace')) next.refreshTokenReuseGraceSeconds = seconds('--reuse-grace', str('reuse-grace')!, 0);
  if (next.refreshTokenReuseGraceSeconds > 300) throw new UsageError('--reuse-grace must be at most 300 seconds');
  return next;
}

/** "http://a.example,https://b.example", "*", or "" (none). Each must be a bare origin. */
function parseOrigins(raw: string): string[] {
  const origins = raw.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') continue;
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== origin) throw new UsageError(`--cors-origins: "${origin}" is not an origin like https://app.example.com`);
  }
  return origins;
}
