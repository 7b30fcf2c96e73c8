import { passwordPool } from './password-pool.js';

/**
 * argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane), on worker threads at low priority
 * (password-pool.ts): off the event loop, and never ahead of it for the CPU.
 */
export async function hashPassword(password: string): Promise<string> {
  return (await passwordPool.run({ op: 'hash', password })) as string;
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return (await passwordPool.run({ op: 'verify', password, hash: passwordHash })) === true;
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, so a login for an unknown user cannot be told
 * apart from a wrong password by its latency.
 */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword('openmeshy-dummy-password');
  await verifyPassword(await dummyHash, password);
}
