import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusDocument } from './mesh-documents.js';
import { ACCOUNT, cliText, type OpenMeshy, type OpenMeshyClient } from './openmeshy.js';
import type { Child, Children } from './processes.js';
import type { Bench } from './scenario.js';

export type StoreKind = 'sqlite' | 'postgres';

/** An OpenMeshy server the mesh scenarios load and measure, with its users' access tokens. */
export interface MeshServer {
  kind: StoreKind;
  server: OpenMeshy;
  /** Its processes, for the resource sampler. */
  children: Child[];
  /** One access token per connection, each of its own user (fresh logins). */
  tokens: string[];
}

/**
 * The SQLite server most scenarios measure, or the first PostgreSQL instance, with fresh logins
 * of the bench's anonymous users (the demo account grants every signed-in user meshes:crud).
 */
export async function meshServer(bench: Bench, kind: StoreKind): Promise<MeshServer> {
  if (kind === 'sqlite') return { kind, server: bench.openmeshy, children: [bench.openmeshy.child], tokens: await accessTokens(bench.client, bench.fixtures.anonymousUsers) };
  const cluster = await bench.postgres();
  const server = cluster.servers[0]!;
  return { kind, server, children: [server.child], tokens: await accessTokens(cluster.clients[0]!, cluster.anonymousUsers) };
}

export async function accessTokens(client: OpenMeshyClient, usernames: string[]): Promise<string[]> {
  const logins = await Promise.all(usernames.map((username) => client.login(username, 'nopassword')));
  return logins.map((login) => login.access_token);
}

/** Documents per createMany request while loading (not measured): fewer round trips than 50. */
const LOAD_BATCH = 500;
/** Loading requests in flight at once: enough to keep the server busy on two cores. */
const LOAD_PARALLEL = 4;

const loaded = new Map<string, Promise<void>>();

/**
 * Mesh `mesh` of `server` holds documents 0..size-1 of mesh-documents.ts, and the index on
 * (a, b) made with `openmeshy index create demo MESH a b`, as an operator would: loaded once per
 * run through the createMany endpoint (the first scenario that needs it waits for it).
 */
export function ensureCorpus(server: OpenMeshy, token: string, mesh: string, size: number): Promise<void> {
  const key = `${server.baseUrl} ${mesh}`;
  let done = loaded.get(key);
  if (!done) {
    done = loadCorpus(server, token, mesh, size);
    loaded.set(key, done);
  }
  return done;
}

async function loadCorpus(server: OpenMeshy, token: string, mesh: string, size: number): Promise<void> {
  const started = Date.now();
  let next = 0;
  const loader = async () => {
    while (next < size) {
      const from = next;
      next = Math.min(size, next + LOAD_BATCH);
      const documents = Array.from({ length: next - from }, (_, k) => corpusDocument(from + k, size));
      const res = await fetch(`${server.baseUrl}${server.accountPath}/meshes/${mesh}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(documents),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`loading ${mesh}: POST of documents ${from}..${next - 1} answered ${res.status}: ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: LOAD_PARALLEL }, loader));
  const loadedAt = Date.now();
  await cliText(server.store, ['index', 'create', ACCOUNT, mesh, 'a', 'b']);
  log(`${mesh}: ${size.toLocaleString('en-US')} documents loaded in ${((loadedAt - started) / 1000).toFixed(1)} s through POST meshes/${mesh}, index (a, b) created in ${((Date.now() - loadedAt) / 1000).toFixed(1)} s`);
}

const references = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'references');
let referenceStarts = 0;

/** Where a raw-SQL reference runs: its SQLite file goes in `workDir`, its PostgreSQL table in `databaseUrl`. */
export interface RawSqlPlace {
  children: Children;
  workDir: string;
  databaseUrl?: string;
}

/** Where a scenario's reference runs: the bench's temporary folder, or the bench's own PostgreSQL database (dropped at the end). */
export async function rawSqlPlace(bench: Bench, kind: StoreKind): Promise<RawSqlPlace> {
  if (kind === 'sqlite') return { children: bench.children, workDir: bench.workDir };
  const cluster = await bench.postgres();
  return { children: bench.children, workDir: bench.workDir, databaseUrl: cluster.servers[0]!.store.env.DATABASE_URL! };
}

/** The raw-SQL reference (references/raw-sql-meshes.ts) on a fresh file or table, with `load` documents in it. */
export async function startRawSql(place: RawSqlPlace, load: number): Promise<{ child: Child; url: string }> {
  const n = ++referenceStarts;
  const kind = place.databaseUrl === undefined ? 'sqlite' : 'postgres';
  const args = place.databaseUrl === undefined ? ['sqlite', path.join(place.workDir, `raw-sql-${process.pid}-${n}.db`)] : ['postgres', place.databaseUrl, `raw_docs_${process.pid}_${n}`];
  const child = place.children.startNode('raw-sql-meshes', [path.join(references, 'raw-sql-meshes.js'), ...args]);
  try {
    const [, line] = await child.waitForLine(/^(\{"url".*\})$/);
    if (load > 0) {
      const started = Date.now();
      const reply = child.waitForLine(/^\{"loaded":/, 300_000);
      child.send(`load ${load}\n`);
      await reply;
      log(`raw-sql ${kind}: ${load.toLocaleString('en-US')} documents loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    return { child, url: (JSON.parse(line!) as { url: string }).url };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
