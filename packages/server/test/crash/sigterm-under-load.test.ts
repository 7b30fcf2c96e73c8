import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServe } from '../helpers/cli.js';

/**
 * Issue 6, "SIGTERM during load": 20 clients loop requests against the real `openmeshy serve`
 * process and it gets SIGTERM. Requests in flight finish with their normal status; later ones
 * are refused cleanly (connection refused or reset, or a 503 with a reason on a connection that
 * was already open); nothing hangs; the process exits 0; and every write that was answered is
 * there after a restart.
 */

const CLIENTS = 20;
/** Far above any honest answer on loopback: only a hang gets near it. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Errors that mean "refused cleanly": the connection was refused, reset or closed. */
const REFUSALS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

type Outcome = { status: number; body: any } | { refused: string };

async function call(url: string, init: RequestInit = {}): Promise<Outcome> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const code = cause?.code ?? (error as { code?: string }).code ?? '';
    // A timeout is a hang, the one thing that must never happen: the test fails on it below.
    if (!REFUSALS.has(code)) throw new Error(`not a clean refusal: ${(error as Error).name} ${code} ${(error as Error).message}`, { cause: error });
    return { refused: code };
  }
}

const register = (url: string, username: string) =>
  call(`${url}/demo/users/register/anonymous`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });

/**
 * Starts a registration and sends half its body: a request in flight at will. `received` resolves
 * once the server has parsed its head (it answers `Expect: 100-continue` then), so a signal sent
 * after that certainly finds the request in flight; `finish` sends the rest.
 */
function halfSentRegistration(url: string, username: string) {
  const body = JSON.stringify({ username });
  const request = http.request(`${url}/demo/users/register/anonymous`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
    agent: false,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const received = new Promise<void>((resolve) => request.once('continue', resolve));
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on('error', reject);
  });
  request.flushHeaders();
  return { received, answer, finish: () => request.end(body) };
}

const data = fs.mkdtempSync(path.join(os.tmpdir(), 'openmeshy-sigterm-'));
after(() => fs.rmSync(data, { recursive: true, force: true }));

test('SIGTERM under load: in-flight requests finish, later ones are refused cleanly, exit 0, nothing answered is lost', async (t) => {
  const env = { OPENMESHY_DATA: data, LOG_LEVEL: 'warn' };
  const serve = startServe(['--port', '0'], env);
  const { url } = await serve.ready;

  let signalled = false;
  const registered: string[] = [];
  const refusals: string[] = [];
  const afterSignal: { status: number; body: any }[] = [];
  /** Files an answer; false when the client should stop (its connection was refused). */
  const file = (outcome: Outcome, late: boolean): outcome is { status: number; body: any } => {
    // A request sent just before the signal may race the listener's close: a refusal is clean
    // whenever it comes. The requests certainly in flight are the half-sent ones below.
    if ('refused' in outcome) return refusals.push(outcome.refused) < 0;
    if (late) afterSignal.push(outcome);
    return true;
  };
  // Each client registers a user and reads it back, over and over, until the server refuses it.
  const clients = Array.from({ length: CLIENTS }, async (_, client) => {
    for (let i = 0; ; i++) {
      const late = signalled;
      const username = `load_${client}_${i}`;
      const written = await register(url, username);
      if (!file(written, late)) return;
      if (written.status === 503) continue;
      assert.equal(written.status, 201, JSON.stringify(written.body));
      registered.push(username);
      const read = await call(`${url}/demo/users/${username}/exists`);
      if (!file(read, late)) return;
      if (read.status === 503) continue;
      assert.deepEqual(read.body, { exists: true });
      assert.ok(afterSignal.length < 10_000, 'the server kept answering long after SIGTERM');
    }
  });

  await sleep(300);
  const inFlight = Array.from({ length: 5 }, (_, i) => halfSentRegistration(url, `in_flight_${i}`));
  await Promise.all(inFlight.map((request) => request.received));
  serve.child.kill('SIGTERM');
  signalled = true;
  // The server is shutting down while these wait for their bodies.
  await sleep(300);
  for (const request of inFlight) request.finish();

  const answers = await Promise.allSettled(inFlight.map((request) => request.answer));
  for (const [i, answer] of answers.entries()) {
    assert.equal(answer.status, 'fulfilled', `request ${i} in flight at SIGTERM: ${answer.status === 'rejected' ? String(answer.reason) : ''}`);
    assert.equal(answer.value.status, 201, `request ${i} in flight at SIGTERM: ${JSON.stringify(answer.value.body)}`);
    registered.push(answer.value.body.username);
  }
  await Promise.all(clients);
  assert.equal(await serve.exited, 0);

  // After the signal: only the normal answers of requests that made it in, or a 503 with a reason.
  for (const answer of afterSignal) {
    if (answer.status === 503) assert.equal(typeof answer.body?.message, 'string', JSON.stringify(answer.body));
    else assert.ok([200, 201].includes(answer.status), JSON.stringify(answer));
  }
  assert.equal(refusals.length, CLIENTS, 'every client ends with a refused connection');
  t.diagnostic(`${registered.length} registrations answered; after SIGTERM ${afterSignal.length} answers; refusals ${JSON.stringify(refusals)}`);
  assert.ok('refused' in (await call(`${url}/healthz`)), 'nobody listens any more');

  // Every registration that was answered 201 was committed before the answer: it survived.
  const again = startServe(['--port', '0'], env);
  const restarted = await again.ready;
  try {
    const missing: string[] = [];
    for (const username of registered) {
      const seen = await call(`${restarted.url}/demo/users/${username}/exists`);
      if (!('status' in seen) || seen.body.exists !== true) missing.push(username);
    }
    assert.deepEqual(missing, []);
  } finally {
    again.child.kill('SIGTERM');
  }
  assert.equal(await again.exited, 0);
});
