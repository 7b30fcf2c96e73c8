import http from 'node:http';
import type { Page } from 'playwright-core';

/**
 * An empty page on its own loopback origin (another port than the API): what a web app's
 * cross-origin calls come from.
 */
export async function startOrigin(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>app</title>');
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Chromium keeps (and opens ahead) connections to the origin while it runs.
        server.closeAllConnections();
      }),
  };
}

/** What the page's fetch got: the answer it could read, or the error fetch threw (a CORS refusal is one). */
export type BrowserAnswer = { status: number; body: any; retryAfter: string | null } | { failed: string };

export interface BrowserRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Instead of body: JSON with a username this long, built in the page. */
  usernameLength?: number;
}

/** Runs fetch in the page, as the web app's code would, and reports what it could read. */
export function browserFetch(page: Page, url: string, init: BrowserRequest = {}): Promise<BrowserAnswer> {
  return page.evaluate(
    async ([target, { usernameLength, ...rest }]) => {
      const body = usernameLength === undefined ? rest.body : JSON.stringify({ username: 'x'.repeat(usernameLength) });
      try {
        const response = await fetch(target, { ...rest, body });
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : undefined, retryAfter: response.headers.get('retry-after') };
      } catch (error) {
        return { failed: String(error) };
      }
    },
    [url, init] as const,
  );
}
