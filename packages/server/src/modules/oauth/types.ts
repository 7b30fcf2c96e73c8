/**
 * One login's chain of refresh tokens. Tokens are not stored at all: the current one is derived
 * from (id, generation) under the server secret, so the store holds nothing a thief could present.
 * Times are epoch milliseconds.
 */
export interface RefreshFamily {
  id: string;
  accountId: string;
  clientId: string;
  userId: string;
  scope: string;
  generation: number;
  /** Start of the absolute lifetime: the original login. */
  createdAt: number;
  /** When the current generation was issued: start of the sliding lifetime and of the grace window. */
  rotatedAt: number;
  revokedAt: number | null;
  revokeReason: string | null;
}

export interface SigningKey {
  kid: string;
  alg: 'EdDSA' | 'ES256' | 'RS256';
  privateKeyPem: string;
  publicJwk: Record<string, string>;
  createdAt: number;
  /** When it stopped signing; it keeps verifying until its last tokens expire. */
  retiredAt: number | null;
}
