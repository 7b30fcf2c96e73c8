import os from 'node:os';
import path from 'node:path';

/**
 * One schema for every process setting: its flag, its environment variable, its default and what
 * it is for. `openmeshy serve --help` and the README's settings table are generated from it
 * (a test keeps the README in step). Precedence: command-line flag, then environment, then default.
 */
export interface Config {
  port: number;
  host: string;
  data: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  redisUrl: string | undefined;
  publicUrl: string | undefined;
  logLevel: string;
  bodyLimit: number;
  trustProxy: boolean;
  maxConnections: number;
  requestTimeoutSeconds: number;
  workers: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  smsWebhookUrl: string | undefined;
  smsWebhookSecret: string | undefined;
  outboxPollMs: number;
  meshReaders: number;
  meshSearchTimeoutMs: number;
  projectionStageBytes: number;
  projectionMaxDocuments: number;
  projectionTimeoutSeconds: number;
  projectionHeapMb: number;
}

interface Setting<K extends keyof Config> {
  key: K;
  flag: string;
  env: string;
  default: string | undefined;
  description: string;
  parse(raw: string): Config[K];
}

class ConfigError extends Error {}
export { ConfigError };

const int = (name: string, min: number, max: number) => (raw: string): number => {
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
};

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const settings: Setting<keyof Config>[] = [
  { key: 'port', flag: '--port', env: 'PORT', default: '8080', description: 'TCP port to listen on (0 picks a free one).', parse: int('port', 0, 65535) },
  { key: 'host', flag: '--host', env: 'HOST', default: '127.0.0.1', description: 'Address to listen on; 0.0.0.0 for every interface.', parse: (raw) => {
      if (!raw.trim()) throw new ConfigError('host must not be empty');
      return raw.trim();
    } },
  { key: 'data', flag: '--data', env: 'OPENMESHY_DATA', default: './data', description: 'Folder of the embedded SQLite store and the server secret.', parse: (raw) => {
      if (!raw.trim()) throw new ConfigError('data must not be empty');
      return path.resolve(raw);
    } },
  { key: 'databaseUrl', flag: '--database-url', env: 'DATABASE_URL', default: undefined, description: 'postgres://user@host:5432/db to keep everything in PostgreSQL instead of SQLite (needs OPENMESHY_SECRET and OPENMESHY_PUBLIC_URL).', parse: (raw) => {
      if (!/^postgres(ql)?:\/\//.test(raw)) throw new ConfigError(`DATABASE_URL must start with postgres://, got "${redactUrl(raw)}"`);
      return raw;
    } },
  { key: 'databasePoolSize', flag: '--database-pool-size', env: 'DATABASE_POOL_SIZE', default: '10', description: 'Most PostgreSQL connections one server process opens.', parse: int('database pool size', 1, 1000) },
  { key: 'redisUrl', flag: '--redis-url', env: 'REDIS_URL', default: undefined, description: 'redis://host:6379 to keep API limits and other shared counters in Redis, shared by every instance.', parse: (raw) => {
      if (!/^rediss?:\/\//.test(raw)) throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${redactUrl(raw)}"`);
      return raw;
    } },
  { key: 'publicUrl', flag: '--public-url', env: 'OPENMESHY_PUBLIC_URL', default: undefined, description: 'Base URL clients use to reach this server; the token issuer is {publicUrl}/{account}. Defaults to http://{host}:{port}; required with DATABASE_URL.', parse: (raw) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new ConfigError(`public URL must be an absolute http(s) URL, got "${raw}"`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`public URL must be http(s), got "${raw}"`);
      return raw.replace(/\/+$/, '');
    } },
  { key: 'logLevel', flag: '--log-level', env: 'LOG_LEVEL', default: 'info', description: `Log level: ${logLevels.join(', ')}.`, parse: (raw) => {
      if (!logLevels.includes(raw)) throw new ConfigError(`log level must be one of ${logLevels.join(', ')}, got "${raw}"`);
      return raw;
    } },
  { key: 'bodyLimit', flag: '--body-limit', env: 'OPENMESHY_BODY_LIMIT', default: '1048576', description: 'Largest request body accepted, in bytes; larger ones get 413.', parse: int('body limit', 1024, 100 * 1024 * 1024) },
  { key: 'trustProxy', flag: '--trust-proxy', env: 'OPENMESHY_TRUST_PROXY', default: 'off', description: 'on behind a reverse proxy or load balancer: take the client IP (for login throttling) from X-Forwarded-For.', parse: (raw) => {
      if (raw !== 'on' && raw !== 'off') throw new ConfigError(`trust proxy must be on or off, got "${raw}"`);
      return raw === 'on';
    } },
  { key: 'workers', flag: '--workers', env: 'OPENMESHY_WORKERS', default: '1', description: 'Server processes sharing the port (node:cluster); "auto" is one per CPU core. Without REDIS_URL each counts limits on its own.', parse: (raw) => {
      if (raw === 'auto') return Math.max(1, os.availableParallelism());
      return int('workers', 1, 64)(raw);
    } },
  { key: 'requestTimeoutSeconds', flag: '--request-timeout', env: 'OPENMESHY_REQUEST_TIMEOUT', default: '30', description: 'Seconds a client has to send a whole request (headers and body); slower ones get 408 and are disconnected.', parse: int('request timeout', 1, 3600) },
  { key: 'smtpUrl', flag: '--smtp-url', env: 'SMTP_URL', default: undefined, description: 'smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 to send verification and reset codes by e-mail; without it they wait in the outbox (openmeshy outbox list).', parse: (raw) => {
      if (!/^smtps?:\/\/[^/]/.test(raw)) throw new ConfigError(`SMTP_URL must start with smtp:// or smtps://, got "${redactUrl(raw)}"`);
      return raw;
    } },
  { key: 'mailFrom', flag: '--mail-from', env: 'OPENMESHY_MAIL_FROM', default: 'OpenMeshy <no-reply@localhost>', description: 'The From of the e-mails, e.g. "Shop <no-reply@shop.example>".', parse: (raw) => {
      if (!raw.includes('@') || /[\r\n]/.test(raw)) throw new ConfigError(`mail from must be an address, got "${raw}"`);
      return raw;
    } },
  { key: 'smsWebhookUrl', flag: '--sms-webhook-url', env: 'OPENMESHY_SMS_WEBHOOK_URL', default: undefined, description: 'http(s) URL that text messages are POSTed to as JSON {to, body, account}, signed (README: "Text messages"); without it they wait in the outbox.', parse: (raw) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new ConfigError(`SMS webhook URL must be an absolute http(s) URL, got "${redactUrl(raw)}"`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`SMS webhook URL must be http(s), got "${redactUrl(raw)}"`);
      return raw;
    } },
  { key: 'smsWebhookSecret', flag: '--sms-webhook-secret', env: 'OPENMESHY_SMS_WEBHOOK_SECRET', default: undefined, description: 'The HMAC key of the webhook\'s X-OpenMeshy-Signature (at least 16 characters); required with the webhook URL.', parse: (raw) => {
      if (raw.length < 16) throw new ConfigError('SMS webhook secret must be at least 16 characters');
      return raw;
    } },
  { key: 'outboxPollMs', flag: '--outbox-poll', env: 'OPENMESHY_OUTBOX_POLL_MS', default: '1000', description: 'Milliseconds between looks at the outbox for messages due (a new message is sent at once anyway).', parse: int('outbox poll', 10, 600_000) },
  { key: 'maxConnections', flag: '--max-connections', env: 'OPENMESHY_MAX_CONNECTIONS', default: '10000', description: 'Most simultaneous TCP connections; more are refused at once.', parse: int('max connections', 1, 1_000_000) },
  // The stores' own fallbacks (mesh-reader-pool.ts, postgres/meshes.ts) are these same numbers.
  { key: 'meshReaders', flag: '--mesh-readers', env: 'OPENMESHY_MESH_READERS', default: '2', description: 'SQLite: threads (each with its own connection) that run mesh searches off the event loop, per server process; more searches wait in line.', parse: int('mesh readers', 1, 64) },
  { key: 'meshSearchTimeoutMs', flag: '--mesh-search-timeout', env: 'OPENMESHY_MESH_SEARCH_TIMEOUT', default: '5000', description: 'PostgreSQL: milliseconds one mesh search (or the reads of a PATCH or DELETE by filter) may run before it is cancelled (answered 429 with code database_timeout).', parse: int('mesh search timeout', 1, 3_600_000) },
  { key: 'projectionStageBytes', flag: '--projection-stage-bytes', env: 'OPENMESHY_PROJECTION_STAGE_BYTES', default: '104857600', description: 'What one blocking stage of a projection ($group, $sort, $facet, $bucketAuto, ...) may hold, in bytes of JSON (MongoDB: 100 MB); past it the request is 429.', parse: int('projection stage bytes', 1024, 2 ** 31) },
  { key: 'projectionMaxDocuments', flag: '--projection-max-documents', env: 'OPENMESHY_PROJECTION_MAX_DOCUMENTS', default: '200000', description: 'Most documents one projection run reads from a mesh, or a stage answers; past it the request is 429.', parse: int('projection max documents', 1, 100_000_000) },
  { key: 'projectionTimeoutSeconds', flag: '--projection-timeout', env: 'OPENMESHY_PROJECTION_TIMEOUT', default: '10', description: 'Seconds one projection run may take in the engine; past it its thread is ended and the request is 429.', parse: int('projection timeout', 1, 3600) },
  { key: 'projectionHeapMb', flag: '--projection-heap', env: 'OPENMESHY_PROJECTION_HEAP', default: '512', description: 'Heap of the projection engine thread, in MB; a run past it ends the thread and is 429.', parse: int('projection heap', 32, 65536) },
];

/**
 * What `serve` needs beyond each setting's own check. Instances on one PostgreSQL database serve
 * the same accounts, so they must name the same token issuer, or an access token from one is 401
 * at the next. The listening address cannot be it (each instance has its own), nor can the Host
 * header (a client could pick the issuer): like Keycloak's `hostname` in production, the public
 * URL is then required. Checked before the store is opened, so a misconfigured instance touches
 * nothing.
 */
export function checkServeConfig(config: Config): void {
  if (config.databaseUrl !== undefined && config.publicUrl === undefined) {
    throw new ConfigError(
      'OPENMESHY_PUBLIC_URL (or --public-url) must be set with DATABASE_URL: it is the token issuer, which every instance on one database must share; set the URL clients reach them at (e.g. https://api.example.com)',
    );
  }
  if (config.smsWebhookUrl !== undefined && config.smsWebhookSecret === undefined) {
    throw new ConfigError('OPENMESHY_SMS_WEBHOOK_SECRET (or --sms-webhook-secret) must be set with OPENMESHY_SMS_WEBHOOK_URL: the receiver checks the signature made with it');
  }
}

/** The flags every store-using command accepts (serve's others only matter to serve). */
export const storeSettingKeys: (keyof Config)[] = ['data', 'databaseUrl', 'databasePoolSize'];

/** A URL fit for a message or a log line: no password. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^@/]*)@/, (_m, auth: string) => `//${auth.split(':')[0]}:***@`);
}

export function loadConfig(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv = process.env): Config {
  const config: Record<string, unknown> = {};
  for (const setting of settings) {
    const raw = flags[setting.flag] ?? nonEmpty(env[setting.env]) ?? setting.default;
    config[setting.key] = raw === undefined ? undefined : setting.parse(raw);
  }
  return config as unknown as Config;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function settingsHelp(keys: (keyof Config)[] = settings.map((s) => s.key)): string {
  return settings
    .filter((s) => keys.includes(s.key))
    .map((s) => `  ${`${s.flag} <value>`.padEnd(24)} ${s.description}\n  ${''.padEnd(24)} env ${s.env}${s.default !== undefined ? `, default ${s.default}` : ''}`)
    .join('\n');
}
