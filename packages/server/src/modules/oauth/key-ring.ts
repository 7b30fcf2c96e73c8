import type { Clock } from '../../lib/clock.js';
import type { SigningKeyStore } from './store.js';
import { generateSigningKey, loadKey, type JwtAlgorithm, type LoadedKey } from './signing-keys.js';

/** How long a retired key keeps verifying: longer than any access token lives. */
export const RETIRED_KEY_VERIFY_MS = 25 * 3600 * 1000;
const RELOAD_EVERY_MS = 30_000;
const UNKNOWN_KID_RELOAD_MIN_MS = 5_000;

/**
 * The server's view of the signing keys in the store: the newest signs, every unexpired one
 * verifies. It re-reads the store now and then, and when a token names a kid it has not seen,
 * so a key rotated by the CLI is picked up by running servers without a restart.
 */
export class KeyRing {
  private keys = new Map<string, LoadedKey>();
  private current!: LoadedKey;
  private loadedAt = 0;
  private lastUnknownReload = 0;
  private reloading: Promise<void> | undefined;

  private constructor(private readonly store: SigningKeyStore, private readonly clock: Clock) {}

  /** Loads the keys, generating the first one on a new store. */
  static async open(store: SigningKeyStore, clock: Clock, firstAlg: JwtAlgorithm): Promise<KeyRing> {
    await store.ensure(() => generateSigningKey(firstAlg, clock.now()));
    const ring = new KeyRing(store, clock);
    await ring.reload();
    return ring;
  }

  signingKey(): LoadedKey {
    if (this.clock.now() - this.loadedAt > RELOAD_EVERY_MS) this.reloadInBackground();
    return this.current;
  }

  /** The key for a token's kid, reloading (at most every few seconds) when the kid is new. */
  async verificationKey(kid: string): Promise<LoadedKey | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    const now = this.clock.now();
    if (now - this.lastUnknownReload < UNKNOWN_KID_RELOAD_MIN_MS) return undefined;
    this.lastUnknownReload = now;
    await this.reload();
    return this.keys.get(kid);
  }

  /** Public keys for the JWKS document: every key that may still verify a token. */
  publicJwks(): Record<string, string>[] {
    return [...this.keys.values()].map((key) => key.publicJwk);
  }

  private reloadInBackground(): void {
    this.loadedAt = this.clock.now();
    this.reload().catch(() => {
      // Keep signing with the keys we have; the next reload tries again.
    });
  }

  private reload(): Promise<void> {
    this.reloading ??= (async () => {
      try {
        const now = this.clock.now();
        const stored = await this.store.list();
        const live = stored.filter((key) => key.retiredAt === null || now - key.retiredAt < RETIRED_KEY_VERIFY_MS);
        const keys = new Map<string, LoadedKey>();
        for (const key of live) keys.set(key.kid, this.keys.get(key.kid) ?? loadKey(key));
        const newest = stored.filter((key) => key.retiredAt === null).at(-1) ?? stored.at(-1);
        if (!newest) throw new Error('no signing key in the store');
        this.current = keys.get(newest.kid) ?? loadKey(newest);
        this.keys = keys;
        this.loadedAt = now;
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }
}
