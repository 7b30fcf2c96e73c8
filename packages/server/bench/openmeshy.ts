import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { settings } from '../src/config.js';
import { Children, runNode, type Child } from './processes.js';

/** The `openmeshy` bin (bin/openmeshy.js, which runs dist/src/cli.js): the command an operator runs. */
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/openmeshy.js');

/**
 * The Node.js flags on the bin's shebang line (`#!/usr/bin/env -S node --no-memory-reducer`):
 * servers are started with them, as `npx openmeshy serve` runs, with the runner's own node.
 */
export function binNodeFlags(): string[] {
  const shebang = readFileSync(cli, 'utf8').split('\n', 1)[0] ?? '';
  const flags = /^#!\S*env -S node((?: --[\w-]+(?:=\S+)?)*)$/.exec(shebang);
  if (!flags) throw new Error(`unexpected shebang in ${cli}: ${shebang}`);
  return flags[1]!.split(' ').filter(Boolean);
}
export const ACCOUNT = 'demo';
export const SCOPE = 'meshy.api offline_access';
export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

export interface OpenMeshy {
  child: Child;
  baseUrl: string;
  publicKey: string;
  /** Path prefix of the account's routes, e.g. /demo. */
  accountPath: string;
  /** The store it serves, for CLI calls while it runs. */
  store: StoreEnv;
}

/**
 * The store a server runs on: an embedded SQLite store in `dataDir`, or PostgreSQL (with Redis
 * for the shared counters) when `env` carries DATABASE_URL, REDIS_URL, OPENMESHY_SECRET and
 * OPENMESHY_PUBLIC_URL.
 */
export interface StoreEnv {
  dataDir: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The runner's environment without any OpenMeshy setting (DATABASE_URL, REDIS_URL, ...), plus
 * `env`: each server runs on exactly the store it is given, whatever the runner's shell exports.
 */
export function serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  for (const name of [...settings.map((s) => s.env), 'OPENMESHY_SECRET']) delete clean[name];
  return { ...clean, ...env };
}

/** The account's limits lifted: the API limit, and the login throttle (failures of other runs must not lock the bench out). */
const UNLIMITED = [
  '--api-limit', 'unlimited',
  '--login-free-failures', '1000000',
  '--login-ip-free-failures', '1000000',
  '--login-lock-failures', '1000000',
  '--login-ip-lock-failures', '1000000',
];

/**
 * Prepares a store the way an operator would with the CLI: the demo account, created with its
 * limits lifted before any server starts, so no settings cache has to expire (the serve command
 * only creates `demo` on an empty store and prints it when it exists). With `jwtAlg`,
 * `keys rotate --alg` makes the first signing key one of that algorithm.
 */
export async function prepareStore(store: StoreEnv, jwtAlg?: string): Promise<void> {
  const env = serverEnv(store.env);
  const data = ['--data', store.dataDir];
  await runNode([cli, 'account', 'create', ACCOUNT, ...data], env);
  await runNode([cli, 'account', 'set', ACCOUNT, ...UNLIMITED, ...data], env);
  if (jwtAlg) await runNode([cli, 'keys', 'rotate', '--alg', jwtAlg, ...data], env);
}

/** An `openmeshy ... --json` command on a server's store (a role for the bench's users, say): its output. */
export async function cliJson(store: StoreEnv, args: string[]): Promise<unknown> {
  return JSON.parse(await runNode([cli, ...args, '--json', '--data', store.dataDir], serverEnv(store.env)));
}

/** An `openmeshy ...` command on a server's store (`index create`, say): its output as text. */
export async function cliText(store: StoreEnv, args: string[]): Promise<string> {
  return runNode([cli, ...args, '--data', store.dataDir], serverEnv(store.env));
}

/** Starts `openmeshy serve` on a prepared store and waits for the line it prints when serving. */
export async function serveOpenMeshy(children: Children, name: string, store: StoreEnv, nodeFlags: string[] = []): Promise<OpenMeshy> {
  const child = children.startNode(name, [...binNodeFlags(), ...nodeFlags, cli, 'serve', '--port', '0', '--data', store.dataDir, '--log-level', 'warn'], serverEnv(store.env), { replaceEnv: true });
  const [, accountName, publicKey, baseUrl] = await child.waitForLine(/accountName=(\S+) publicKey=(\S+) baseUrl=(\S+)/);
  if (accountName !== ACCOUNT) throw new Error(`${name} serves account ${accountName}, expected ${ACCOUNT}`);
  return { child, baseUrl: baseUrl!, publicKey: publicKey!, accountPath: `/${ACCOUNT}`, store };
}

/** A fresh SQLite store in `dataDir`, prepared, and one server on it. */
export async function startOpenMeshy(children: Children, dataDir: string, options: { nodeFlags?: string[]; jwtAlg?: string; name?: string } = {}): Promise<OpenMeshy> {
  const store = { dataDir, env: {} };
  await prepareStore(store, options.jwtAlg);
  return serveOpenMeshy(children, options.name ?? 'openmeshy', store, options.nodeFlags);
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

/** Setup calls (not measured): registration and logins through the public API. */
export class OpenMeshyClient {
  constructor(private readonly server: OpenMeshy) {}

  async registerAnonymous(username: string): Promise<void> {
    await this.expect(201, 'POST', '/users/register/anonymous', JSON.stringify({ username }), 'application/json');
  }

  async registerUser(username: string, password: string): Promise<void> {
    await this.expect(204, 'POST', '/users/register', JSON.stringify({ username, newPassword: password }), 'application/json');
  }

  /** A password grant; returns the token response and its size in bytes. */
  async login(username: string, password: string): Promise<Tokens & { bytes: number }> {
    const text = await this.expect(200, 'POST', '/connect/token', passwordGrantForm(this.server.publicKey, username, password), FORM_HEADERS['content-type']);
    return { ...(JSON.parse(text) as Tokens), bytes: Buffer.byteLength(text) };
  }

  private async expect(status: number, method: string, route: string, body: string, contentType: string): Promise<string> {
    const res = await fetch(`${this.server.baseUrl}${this.server.accountPath}${route}`, { method, body, headers: { 'content-type': contentType } });
    const text = await res.text();
    if (res.status !== status) throw new Error(`${method} ${route} answered ${res.status} (expected ${status}): ${text}`);
    return text;
  }
}

export function passwordGrantForm(clientId: string, username: string, password: string): string {
  return new URLSearchParams({ grant_type: 'password', client_id: clientId, username, password, scope: SCOPE }).toString();
}

export function refreshGrantForm(clientId: string, refreshToken: string): string {
  return new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }).toString();
}
