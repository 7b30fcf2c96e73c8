import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, startServe } from '../helpers/cli.js';

/**
 * The crash scenario of issue 6, shared by the SQLite and PostgreSQL runs: many clients rotate
 * their own refresh-token chains as fast as they can, the server process is SIGKILLed at a
 * random moment, restarted on the same data, and every token any client ever received is held
 * to what a correct server guarantees (see `checkChains`).
 */

export const ACCOUNT = 'crash';
const CLIENTS = 20;
/** Far above any honest answer on loopback: only a hang gets near it. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface Chain {
  username: string;
  /** Every refresh token this client received in a 200, oldest first: the last one is its live token. */
  received: string[];
  /**
   * A refresh was sent and no answer came back (the kill): the server may have committed the
   * rotation before it died, or not. Nothing else is uncertain.
   */
  inFlight: boolean;
  /** An answer other than 200 before the kill; there must be none. */
  refused?: string;
}

/** Runs the CLI with --json and returns its parsed output, failing the test on a non-zero exit. */
export function cli(env: NodeJS.ProcessEnv, ...args: string[]): any {
  const result = runCli([...args, '--json'], env);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

/**
 * An account with one client whose grace window is 0: a spent token is then spent for good, so
 * "works exactly once" is observable. Created before the first start, so serve makes no demo account.
 */
export function prepareAccount(env: NodeJS.ProcessEnv): string {
  const { publicKey } = cli(env, 'account', 'create', ACCOUNT);
  cli(env, 'client', 'set', publicKey, '--reuse-grace', '0');
  cli(env, 'account', 'set', ACCOUNT, '--api-limit', 'unlimited');
  return publicKey;
}

export interface OAuthAnswer {
  status: number;
  body: Record<string, any>;
}

export async function postForm(url: string, params: Record<string, string>): Promise<OAuthAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

export const refresh = (url: string, clientId: string, token: string) =>
  postForm(`${url}/${ACCOUNT}/connect/token`, { grant_type: 'refresh_token', client_id: clientId, refresh_token: token });

const introspect = (url: string, clientId: string, token: string) => postForm(`${url}/${ACCOUNT}/connect/introspect`, { client_id: clientId, token });

/** Registers CLIENTS anonymous users and logs each in: one refresh-token chain per client. */
export async function startChains(url: string, clientId: string): Promise<Chain[]> {
  return Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const username = `chain_${i}_${Math.random().toString(36).slice(2, 8)}`;
      const registered = await fetch(`${url}/${ACCOUNT}/users/register/anonymous`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username }),
      });
      assert.equal(registered.status, 201);
      const login = await postForm(`${url}/${ACCOUNT}/connect/token`, {
        grant_type: 'password',
        client_id: clientId,
        username,
        password: 'nopassword',
        scope: 'meshy.api offline_access',
      });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      return { username, received: [login.body.refresh_token as string], inFlight: false };
    }),
  );
}

/**
 * Every client refreshes its own chain in a loop until its connection fails (the kill). Returns
 * when every loop has stopped.
 */
export async function refreshUntilKilled(url: string, clientId: string, chains: Chain[]): Promise<void> {
  await Promise.all(
    chains.map(async (chain) => {
      for (;;) {
        let answer: OAuthAnswer;
        try {
          answer = await refresh(url, clientId, chain.received.at(-1)!);
        } catch {
          // No answer: the server died with this request sent, or before it could be sent.
          chain.inFlight = true;
          return;
        }
        if (answer.status !== 200) {
          chain.refused = `${answer.status} ${JSON.stringify(answer.body)}`;
          return;
        }
        chain.received.push(answer.body.refresh_token as string);
      }
    }),
  );
}

/** Starts `openmeshy serve`, lets the chains run for 300 to 1500 ms, SIGKILLs it. */
export async function killDuringRefreshes(env: NodeJS.ProcessEnv, clientId: string, diagnostic: (message: string) => void) {
  const first = startServe(['--port', '0'], env);
  const { url } = await first.ready;
  const chains = await startChains(url, clientId);
  const loops = refreshUntilKilled(url, clientId, chains);
  const delay = 300 + Math.floor(Math.random() * 1200);
  await sleep(delay);
  first.child.kill('SIGKILL');
  const exit = await first.exited;
  await loops;
  const refreshes = chains.reduce((sum, chain) => sum + chain.received.length - 1, 0);
  diagnostic(`killed after ${delay} ms (exit ${exit}), ${refreshes} refreshes answered, ${chains.filter((c) => c.inFlight).length} in flight`);
  return chains;
}

/**
 * What a correct server guarantees after a crash, checked against the restarted server at `url`.
 *
 * The server commits a rotation to the store before it answers 200, and a committed rotation
 * survives the crash. So for each client, with L its last token from a 200:
 *
 *  - If no refresh of L was in flight at the kill, L was never presented: it is live and works
 *    exactly once (200; presented again it is reuse: 400 refresh_token_reused).
 *  - If a refresh of L was in flight, the server may have committed it and died before the 200
 *    reached the client (or, on PostgreSQL, died while the database was still running the
 *    rotation's UPDATE, which then commits without anyone to answer): L is spent and its
 *    successor was never delivered. A correct server
 *    cannot tell that client from a thief replaying a spent token (with a grace window of 0), so
 *    L must then fail as reuse (400 refresh_token_reused, which also revokes the family: the
 *    user logs in again; nothing a thief could use survives). Or the rotation was not committed,
 *    and L works exactly once as above. Introspection, which changes nothing, tells which.
 *  - Every token received before L was spent by the client itself: none works again, ever.
 *
 * Half the clients present L first and then a spent token; the other half a spent token first
 * (reuse: the family is revoked) and then L (which must now fail as revoked: the revocation
 * was durable too).
 */
export async function checkChains(url: string, clientId: string, chains: Chain[]): Promise<{ committedInFlight: number }> {
  for (const chain of chains) assert.equal(chain.refused, undefined, `${chain.username} was refused before the kill: ${chain.refused}`);

  // Chains are independent of each other: check them side by side.
  const committed = await Promise.all(chains.map((chain, i) => checkChain(url, clientId, chain, i)));
  return { committedInFlight: committed.filter(Boolean).length };
}

/** Checks one chain; true when its in-flight refresh had been committed before the kill. */
async function checkChain(url: string, clientId: string, chain: Chain, i: number): Promise<boolean> {
  const last = chain.received.at(-1)!;
  const spent = chain.received.slice(0, -1);
  const context = `${chain.username} (received ${chain.received.length}, in flight: ${chain.inFlight})`;

  for (const token of spent) {
    const seen = await introspect(url, clientId, token);
    assert.deepEqual(seen.body, { active: false }, `${context}: a spent token is active again`);
  }
  const live = (await introspect(url, clientId, last)).body.active === true;
  if (!chain.inFlight) assert.ok(live, `${context}: the last token received in a 200 was lost`);

  if (i % 2 === 0 || spent.length === 0) {
    const first = await refresh(url, clientId, last);
    if (live) {
      assert.equal(first.status, 200, `${context}: ${JSON.stringify(first.body)}`);
      const again = await refresh(url, clientId, last);
      assert.equal(again.status, 400, `${context}: the last token worked twice`);
      assert.equal(again.body.code, 'refresh_token_reused');
      // Reuse ended the family: the successor handed out a moment ago is revoked with it.
      const successor = await refresh(url, clientId, first.body.refresh_token);
      assert.equal(successor.body.code, 'refresh_token_revoked', context);
    } else {
      // Committed just before the kill: L is spent, and presenting it is reuse.
      assert.equal(first.status, 400, context);
      assert.equal(first.body.code, 'refresh_token_reused', context);
    }
  } else {
    const victim = spent[Math.floor(Math.random() * spent.length)]!;
    const replay = await refresh(url, clientId, victim);
    assert.equal(replay.status, 400, `${context}: a spent token worked again`);
    assert.equal(replay.body.code, 'refresh_token_reused', context);
    const after = await refresh(url, clientId, last);
    assert.equal(after.status, 400, context);
    assert.equal(after.body.code, 'refresh_token_revoked', `${context}: the family outlived its reuse`);
  }

  // Whatever happened above, no token of this chain works any more.
  for (const token of chain.received) {
    const answer = await refresh(url, clientId, token);
    assert.equal(answer.status, 400, `${context}: a token works after its family ended`);
  }
  return !live;
}

/** Starts the server again on the same store, checks every chain, and stops it cleanly. */
export async function restartAndCheckChains(env: NodeJS.ProcessEnv, clientId: string, chains: Chain[], diagnostic: (message: string) => void): Promise<void> {
  const second = startServe(['--port', '0'], env);
  const { url } = await second.ready;
  try {
    const { committedInFlight } = await checkChains(url, clientId, chains);
    diagnostic(`${committedInFlight} of the refreshes in flight at the kill had been committed`);
  } finally {
    second.child.kill('SIGTERM');
  }
  assert.equal(await second.exited, 0);
}
