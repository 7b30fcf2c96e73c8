/**
 * Which refusals of a limit get a warn line: the first one, then none until the window it was
 * refused in has ended. A client hammering a limit costs one line a window, not one a request,
 * and an operator still sees every window in which a limit refused something. Each process
 * decides for itself (with several instances, each may log the same window once).
 */
export class RefusalLog {
  /** Keyed by account and limit, never by client input: at most a few entries per account. */
  private quietUntil = new Map<string, number>();

  /** True when this refusal is the first of its window; `windowEnd` (epoch ms) ends the quiet. */
  shouldLog(key: string, now: number, windowEnd: number): boolean {
    if ((this.quietUntil.get(key) ?? 0) > now) return false;
    this.quietUntil.set(key, windowEnd);
    return true;
  }
}

/** Where the limits write their warn lines: Fastify's (pino's) logger, or a test's. */
export interface WarnLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}
