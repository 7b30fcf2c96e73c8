import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function randomSecret(bytes = 32): Buffer {
  return randomBytes(bytes);
}

export function hmacSha256(key: Buffer, ...parts: Buffer[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Constant-time equality for secrets of possibly different lengths. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
