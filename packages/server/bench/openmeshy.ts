import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Children, runNode, type Child } from './processes.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli.js');
export const ACCOUNT = 'demo';
export const SCOPE = 'meshy.api offline_access';
export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

export interface OpenMeshy {
  child: Child;
  baseUrl: string;
  publicKey: string;
  /** Path prefix of the account's routes, e.g. /demo. */
  accountPath: string;
}

/**
 * Starts `openmeshy serve` the way an operator would, on a fresh data folder. The demo account is
 * created and its API limit lifted before the server starts, so no settings cache has to expire
 * (the serve command only creates `demo` on an empty store and prints it when it exists). With
 * `jwtAlg`, `keys rotate --alg` makes the first signing key one of that algorithm.
 */
export async function startOpenMeshy(children: Children, dataDir: string, options: { nodeFlags?: string[]; jwtAlg?: string } = {}): Promise<OpenMeshy> {
  const { nodeFlags = [], jwtAlg } = options;
  await runNode([cli, 'account', 'create', ACCOUNT, '--data', dataDir]);
  await runNode([cli, 'account', 'set', ACCOUNT, '--api-limit', 'unlimited', '--data', dataDir]);
  if (jwtAlg) await runNode([cli, 'keys', 'rotate', '--alg', jwtAlg, '--data', dataDir]);
  const child = children.startNode('openmeshy', [...nodeFlags, cli, 'serve', '--port', '0', '--data', dataDir, '--log-level', 'warn']);
  const [, accountName, publicKey, baseUrl] = await child.waitForLine(/accountName=(\S+) publicKey=(\S+) baseUrl=(\S+)/);
  if (accountName !== ACCOUNT) throw new Error(`openmeshy serves account ${accountName}, expected ${ACCOUNT}`);
  return { child, baseUrl: baseUrl!, publicKey: publicKey!, accountPath: `/${ACCOUNT}` };
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
