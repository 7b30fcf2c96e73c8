import { randomBytes } from 'node:crypto';

/**
 * 24-hex-character ids shaped like the MeshyDB docs' (`5c78cc81dd870827a8e7b6c4`): a 4-byte
 * timestamp then 8 random bytes, so ids sort roughly by creation and never collide in practice.
 */
export function newObjectId(nowMs: number = Date.now()): string {
  const id = Buffer.alloc(12);
  id.writeUInt32BE(Math.floor(nowMs / 1000) >>> 0, 0);
  randomBytes(8).copy(id, 4);
  return id.toString('hex');
}

export function isObjectId(value: string): boolean {
  return /^[0-9a-f]{24}$/.test(value);
}

/**
 * A client's public key: 128 random bits, URL-safe, easy to copy. A key never starts with "-", which
 * a command line would read as an option (`openmeshy client set -Xy…` fails), so those are drawn again.
 */
export function newPublicKey(): string {
  for (;;) {
    const key = randomBytes(16).toString('base64url');
    if (!key.startsWith('-')) return key;
  }
}
