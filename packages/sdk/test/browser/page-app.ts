/**
 * The small page of the browser test: the SDK, bundled by esbuild, behind a few functions the
 * test calls with page.evaluate. Results are plain data; errors come back as their MeshyError fields.
 */
import { MeshyClient, MeshyError, type MeshyConnection } from '../../src/index.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; reason: string; statusCode: number; sessionEnded: boolean };

let clockOffset = 0;
let client: MeshyClient | undefined;
let connection: MeshyConnection | null = null;

async function outcome<T>(run: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (!(error instanceof MeshyError)) throw error;
    return { ok: false, code: error.code, reason: error.reason, statusCode: error.statusCode, sessionEnded: error.sessionEnded };
  }
}

function connected(): MeshyConnection {
  if (!connection) throw new Error('not logged in');
  return connection;
}

const app = {
  init(config: { accountName: string; publicKey: string; baseUrl: string }): void {
    // No storage option: the browser default, localStorage, is what is under test.
    client = MeshyClient.initialize(config.accountName, config.publicKey, { baseUrl: config.baseUrl, now: () => Date.now() + clockOffset });
  },
  advanceClock(ms: number): void {
    clockOffset += ms;
  },
  checkUserExist: (username: string) => outcome(() => client!.checkUserExist(username)),
  registerAnonymousUser: () => outcome(() => client!.registerAnonymousUser()),
  loginAnonymously: (username: string) =>
    outcome(async () => {
      connection = await client!.loginAnonymously(username);
      return connection.currentUser;
    }),
  restoreConnection: () =>
    outcome(async () => {
      connection = await client!.restoreConnection();
      return connection?.currentUser ?? null;
    }),
  /** `times` concurrent getSelf calls; the usernames they answered. */
  getSelf: (times = 1) =>
    outcome(async () => (await Promise.all(Array.from({ length: times }, () => connected().usersService.getSelf()))).map((u) => u.username)),
  retrieveRefreshToken: () => outcome(() => connected().retrieveRefreshToken()),
  signout: () => outcome(() => connected().signout()),
  currentConnectionIsOurs: () => MeshyClient.currentConnection !== null && MeshyClient.currentConnection === connection,
  sessionKeys: () => Object.keys(localStorage).filter((key) => key.startsWith('openmeshy.')),
  hasWebLocks: () => typeof navigator.locks?.request === 'function',
};

export type PageApp = typeof app;
(globalThis as unknown as { app: PageApp }).app = app;
document.title = 'ready';
