import { sessionEndedError } from './errors.js';
import type { Transport } from './http.js';
import { singleFlight } from './locks.js';
import { endsSession, isTransient, needsRefresh, type RefreshPolicy } from './refresh-policy.js';
import { recordFromTokens, type SessionRecord } from './session-record.js';
import type { LockedSlot, SessionSlot } from './session-slot.js';
import { refreshGrant } from './token-requests.js';
import type { TokenResponse } from './types.js';

export interface SessionDeps {
  transport: Transport;
  publicKey: string;
  slot: SessionSlot;
  policy: RefreshPolicy;
  /** Called once when this session is found ended (signout, refresh refused, replaced). */
  onEnded?: () => void;
}

/**
 * One login, as seen by one connection. The storage slot is the source of truth: every call
 * reads it, so a refresh, sign-out or new login made by another connection or tab is seen at once.
 */
export class Session {
  readonly id: string;
  private latest: SessionRecord;
  private ended = false;

  constructor(
    private readonly deps: SessionDeps,
    first: SessionRecord,
  ) {
    this.id = first.id;
    this.latest = first;
  }

  /** The record now, without waiting where the storage allows it; null once the session has ended. */
  snapshot(): SessionRecord | null {
    const peeked = this.deps.slot.peek();
    if (peeked === undefined) return this.ended ? null : this.latest;
    if (peeked?.id !== this.id) return null;
    this.latest = peeked;
    return peeked;
  }

  /** An access token good for a call: the stored one, or a fresh one when it is about to expire. */
  async accessToken(): Promise<string> {
    const record = this.own(await this.deps.slot.read());
    if (!needsRefresh(record, this.deps.policy)) return record.accessToken;
    return (await this.refresh(record.accessToken)).accessToken;
  }

  /**
   * Replaces `stale`, an access token the caller holds. However many callers ask at once, one
   * refresh request is made: the others join it (same realm) or wait on the slot's lock and
   * then find the fresh token in storage (other tabs, other clients on the same storage).
   */
  refresh(stale: string): Promise<SessionRecord> {
    const { slot, policy } = this.deps;
    return singleFlight(slot.storage, `${slot.key}#${this.id}`, () =>
      slot.locked(async (view) => {
        const record = this.own(view.record);
        if (record.accessToken !== stale && !needsRefresh(record, policy)) return record;
        if (record.refreshToken === null) {
          await this.end(view);
          throw sessionEndedError();
        }
        const tokens = await this.spend(record.refreshToken, view);
        const next = recordFromTokens(this.id, view.nextRevision, tokens, policy.now());
        await view.write(next);
        this.latest = next;
        return next;
      }),
    );
  }

  /**
   * Ends the session: `revoke` runs first with the current refresh token (if it throws, the
   * session is kept), then the stored record is removed. Holding the slot's lock, it waits for
   * a refresh in progress, which therefore cannot write the session back afterwards. An
   * already ended session is left as it is.
   */
  signout(revoke: (refreshToken: string) => Promise<void>): Promise<void> {
    return this.deps.slot.locked(async (view) => {
      if (view.record?.id !== this.id) {
        this.markEnded();
        return;
      }
      if (view.record.refreshToken !== null) await revoke(view.record.refreshToken);
      await this.end(view);
    });
  }

  /** The record if it is still this login's; otherwise the session has ended. */
  private own(record: SessionRecord | null): SessionRecord {
    if (!record || record.id !== this.id) {
      this.markEnded();
      throw sessionEndedError();
    }
    this.latest = record;
    return record;
  }

  /** Exchanges the refresh token, retrying a bounded number of times when no answer came. */
  private async spend(refreshToken: string, view: LockedSlot): Promise<TokenResponse> {
    const { transport, publicKey, policy } = this.deps;
    for (let attempt = 0; ; attempt++) {
      try {
        return await refreshGrant(transport, publicKey, refreshToken);
      } catch (error) {
        if (endsSession(error)) {
          await this.end(view);
          throw error.endingSession();
        }
        if (!isTransient(error) || attempt >= policy.refreshRetries) throw error;
        await delay(policy.retryDelayMs * 2 ** attempt);
      }
    }
  }

  private async end(view: LockedSlot): Promise<void> {
    if (view.record?.id === this.id) await view.remove();
    this.markEnded();
  }

  private markEnded(): void {
    if (this.ended) return;
    this.ended = true;
    this.deps.onEnded?.();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
