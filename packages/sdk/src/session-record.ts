import type { TokenResponse } from './types.js';

/** One login's tokens as kept in storage. Times are epoch milliseconds on the SDK's clock. */
export interface SessionRecord {
  version: 1;
  /** Random id of this login: a connection only uses the record while it carries its id. */
  id: string;
  /** Counts the changes of the slot (logins, refreshes), so a reader can tell an old copy from the newest. */
  revision: number;
  accessToken: string;
  refreshToken: string | null;
  issuedAt: number;
  /** From `expires_in`, counted on this machine's clock (the server's may differ). */
  expiresAt: number;
  scope: string;
}

export function recordFromTokens(id: string, revision: number, tokens: TokenResponse, now: number): SessionRecord {
  return {
    version: 1,
    id,
    revision,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? null,
    issuedAt: now,
    expiresAt: now + tokens.expires_in * 1000,
    scope: tokens.scope ?? '',
  };
}

/** A new random session id (getRandomValues works outside secure contexts, randomUUID does not). */
export function newSessionId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function parseRecord(raw: string | null): SessionRecord | null {
  if (raw === null) return null;
  try {
    const value = JSON.parse(raw) as Partial<SessionRecord>;
    const valid =
      value.version === 1 &&
      typeof value.id === 'string' &&
      typeof value.revision === 'number' &&
      typeof value.accessToken === 'string' &&
      (typeof value.refreshToken === 'string' || value.refreshToken === null) &&
      typeof value.expiresAt === 'number' &&
      typeof value.issuedAt === 'number';
    return valid ? (value as SessionRecord) : null;
  } catch {
    return null;
  }
}
