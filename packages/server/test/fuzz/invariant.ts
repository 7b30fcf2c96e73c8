import assert from 'node:assert/strict';
import { CLOSED, type WireAnswer } from './wire.js';

/**
 * The one property every request must have, whatever it carries: the server answers (no hang,
 * checked by the caller's timeout), with a 2xx or a 4xx, never a 5xx (a 503 is not expected
 * either: the store is up throughout), and every 4xx carries a JSON body with a reason a person
 * can read (`message` for the API, `error_description` for OAuth). A 2xx with a body is JSON too,
 * and one that carries a token says `Cache-Control: no-store`.
 */
export function assertWellFormedAnswer(answer: WireAnswer | typeof CLOSED, context: { head: boolean; docsPage?: boolean }): void {
  assert.notEqual(answer, CLOSED, 'the server closed the connection without answering');
  const { status, headers, body } = answer as WireAnswer;
  const summary = `${status} ${JSON.stringify(headers)} ${body.toString('utf8').slice(0, 300)}`;
  if (context.docsPage && status >= 300 && status < 400) {
    // The reference page redirects to /docs/: as a path on this server, never to a host.
    assert.match(headers.location ?? '', /^\/(?!\/)/, `a redirect must stay on this server: ${summary}`);
    return;
  }
  assert.ok((status >= 200 && status < 300) || (status >= 400 && status < 500), `status must be 2xx or 4xx: ${summary}`);
  // A HEAD answer and a 204 have no body by definition; their headers still say what it would be.
  if (context.head || status === 204) return;
  if (status < 300 && body.length === 0) return;
  // The reference page's own files (HTML, scripts, styles) are the one thing served that is not JSON.
  if (context.docsPage && status < 300) return;
  assert.match(headers['content-type'] ?? '', /^application\/json\b/i, `answer must be JSON: ${summary}`);
  let parsed: unknown;
  assert.doesNotThrow(() => (parsed = JSON.parse(body.toString('utf8'))), `body must parse as JSON: ${summary}`);
  const carried = parsed as { access_token?: unknown; refresh_token?: unknown };
  if (status < 300 && (carried.access_token !== undefined || carried.refresh_token !== undefined)) {
    assert.match(headers['cache-control'] ?? '', /no-store/, `an answer carrying a token must not be cached: ${summary}`);
  }
  if (status >= 400) {
    const reason = parsed as { message?: unknown; error_description?: unknown };
    const text = typeof reason.message === 'string' ? reason.message : reason.error_description;
    assert.ok(typeof text === 'string' && text.length > 0, `a 4xx must say why (message or error_description): ${summary}`);
  }
}

/** Log lines at error level or above (pino: 50 error, 60 fatal) among `lines`. */
export function errorLines(lines: string[]): string[] {
  return lines.filter((line) => {
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return true;
    }
  });
}

/** Counts answers by status and code, for tuning generators (FUZZ_STATS=1). */
export class AnswerTally {
  private readonly counts = new Map<string, number>();

  count(answer: WireAnswer | typeof CLOSED): void {
    let label = answer === CLOSED ? CLOSED : String(answer.status);
    if (answer !== CLOSED) {
      try {
        const body = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
        const code = body.code ?? body.error ?? (body.active === undefined ? undefined : `active=${String(body.active)}`);
        if (code !== undefined) label += ` ${String(code)}`;
      } catch {
        // No JSON body (HEAD, 204): the status says it all.
      }
    }
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  /** The counts so far, most frequent first, and a fresh start. */
  drain(): string {
    const lines = [...this.counts].sort((a, b) => b[1] - a[1]).map(([label, n]) => `  ${String(n).padStart(6)}  ${label}`);
    this.counts.clear();
    return lines.join('\n');
  }
}

/** The API reference page and its files (/docs, swagger-ui), whatever odd path form reaches them. */
export function isDocsPath(target: string): boolean {
  const path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return /^\/+docs(?:[/?#]|$)/i.test(path);
}
